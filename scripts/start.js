// `npm start`: compile only when the sources changed, then run the server in this same process.
import { enableCompileCache } from 'node:module';
import { buildIfStale } from './build-if-stale.js';

enableCompileCache?.();

buildIfStale();
const { main } = await import(new URL('../dist/provider/cli.js', import.meta.url).href);
await main();
