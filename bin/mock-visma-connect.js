#!/usr/bin/env node
// Runs the compiled server (or `scenarios run …`). In a source checkout it compiles first when the
// sources are newer than dist/, as `npm start` does; an installed package ships dist/ and no sources.
// Static imports are linked before any code runs: only the Node check is one, the rest is loaded after it
// (built-ins through process.getBuiltinModule, which skips the module namespace an import would build; see ./code-cache.js).
import { exitUnlessSupportedNode } from './supported-node.js';

exitUnlessSupportedNode();
const { existsSync } = process.getBuiltinModule('node:fs');
const { enableCompileCache } = process.getBuiltinModule('node:module');

// Node keeps compiled code on disk (./code-cache.js keeps the command line's there too): later starts skip compiling.
enableCompileCache();

if (existsSync(new URL('../provider/', import.meta.url))) {
  const { buildIfStale } = await import('../scripts/build-if-stale.js');
  buildIfStale();
}
if (!existsSync(new URL('../dist/provider/emulator.cjs', import.meta.url))) {
  process.stderr.write('mock-visma-connect: dist/ is missing; run `npm run build`\n');
  process.exit(2);
}
const { loadEmulatorScript } = await import('./code-cache.js');
const script = loadEmulatorScript();
await script.exports.main();
script.saveCodeCache();
