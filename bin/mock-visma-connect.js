#!/usr/bin/env node
// Runs the compiled server (or `scenarios run …`). In a source checkout it compiles first when the
// sources are newer than dist/, as `npm start` does; an installed package ships dist/ and no sources.
// Static imports are linked before any code runs: only the Node check is one, the rest is loaded after it.
import { exitUnlessSupportedNode } from './supported-node.js';

exitUnlessSupportedNode();
const { existsSync } = await import('node:fs');
const { enableCompileCache } = await import('node:module');

// Node keeps compiled bytecode of our modules and oidc-provider's on disk: later starts skip compiling.
enableCompileCache();

if (existsSync(new URL('../provider/', import.meta.url))) {
  const { buildIfStale } = await import('../scripts/build-if-stale.js');
  buildIfStale();
}
const entry = new URL('../dist/provider/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mock-visma-connect: dist/ is missing; run `npm run build`\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main();
