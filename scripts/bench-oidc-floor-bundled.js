// The floor of our stack as the bin runs ours: scripts/bench-oidc-floor.js bundled into one script by
// the plugins of our build (bench-support.js makes the bundle), run with a V8 code cache of what its
// start compiled. Not part of the product.
// `node scripts/bench-oidc-floor-bundled.js BUNDLE --port N`; the code cache is BUNDLE.v8cache.
import { readScript, runWithCodeCache } from '../bin/code-cache.js';

const bundle = process.argv[2];
const script = runWithCodeCache(bundle, readScript(bundle).source, `${bundle}.v8cache`);
// Written as the process exits (the bench stops it once it has answered), with what its start compiled.
process.once('exit', () => script.saveCodeCache());
