// What the testing library needs of the emulator itself, loaded by ./index.ts only once Node's compile
// cache is on: a module's code is cached when it is compiled, and every static import of the library's
// entry point is compiled before any of its code runs. So the entry point imports little statically;
// the rest (here, the fixture schema in ./client.ts, the cookie jar in ./web/user-agent.ts) on first use.
export { DEFAULT_FIXTURES_PATH, startEmulator } from '../server.js';
export { defaultSettings } from '../config/index.js';
export { readFixtureFile, validateFixtures } from '../fixtures/index.js';
export { fixtureFileSchema } from '../fixtures/schema.js';
export { stringify } from 'yaml';
