#!/usr/bin/env node
// Runs the compiled server. `npm start` builds first when the sources are newer than dist/.
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';

// Node keeps compiled bytecode of our modules and oidc-provider's on disk: later starts skip compiling.
enableCompileCache?.();

const entry = new URL('../dist/provider/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mock-visma-connect: dist/ is missing; run `npm run build` (or `npm start`, which builds when needed)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main();
