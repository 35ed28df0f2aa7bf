// The emulator as one CommonJS script (dist/provider/emulator.cjs, see scripts/build.js), which
// bin/code-cache.js runs with a V8 code cache of every function a start compiles: the bin's command
// line, and what the testing library starts an emulator with in-process.
export { main } from './cli.js';
export * as emulator from './testing/emulator-modules.js';
export { validatedAFixtureFileToKeep } from './fixtures/kept-fixtures.js';
