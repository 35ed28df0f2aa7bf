// `npm start`: compile only when the sources changed, then run the server in this same process.
// Static imports are linked before any code runs: only the Node check is one, the rest is loaded after it.
import { exitUnlessSupportedNode } from '../bin/supported-node.js';

exitUnlessSupportedNode();
const { enableCompileCache } = await import('node:module');
enableCompileCache();

const { buildIfStale } = await import('./build-if-stale.js');
buildIfStale();
const { loadEmulatorScript } = await import('../bin/code-cache.js');
const script = loadEmulatorScript();
await script.exports.main();
script.saveCodeCache();
