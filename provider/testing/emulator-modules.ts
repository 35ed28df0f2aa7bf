// What the testing library needs of the emulator itself, loaded by ./index.ts only once Node's compile
// cache is on: a module's code is cached when it is compiled, and every static import of the library's
// entry point is compiled before any of its code runs. So the entry point imports little statically;
// the rest (here, the fixture schema in ./client.ts; in the package, the client side's packages of
// ./web/client-script.ts) on first use.
export { DEFAULT_FIXTURES_PATH, startEmulator } from '../server.js';
export { defaultSettings, settingsOverrideProblem } from '../config/index.js';
export { readFixtureFile } from '../fixtures/read.js';

// The fixture schema and the YAML writer load on first use, as in the emulator (a start with kept fixtures builds no schema).

/** Fixtures given as an object, checked as a fixture file is. */
export async function validateFixtures(document: unknown, source: string): Promise<import('../fixtures/schema.js').FixtureFile> {
  return (await import('../fixtures/parse.js')).validateFixtures(document, source);
}

/** Fixtures given as an object with the schema's defaults filled in, for what they add to fixtures already loaded (their references are checked there). */
export async function withFixtureDefaults(document: unknown): Promise<import('../fixtures/schema.js').FixtureFile> {
  return (await import('../fixtures/schema.js')).fixtureFileSchema.parse(document);
}

export async function stringify(value: unknown): Promise<string> {
  return (await import('yaml')).stringify(value);
}
