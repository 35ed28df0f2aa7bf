#!/usr/bin/env node
// Runs the compiled server (or `scenarios run …`). In a source checkout it compiles first when the
// sources are newer than dist/, as `npm start` does; an installed package ships dist/ and no sources.
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';

// Node keeps compiled bytecode of our modules and oidc-provider's on disk: later starts skip compiling.
enableCompileCache?.();

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
