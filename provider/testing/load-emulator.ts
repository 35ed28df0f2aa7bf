import { createRequire, enableCompileCache } from 'node:module';

/** Defined (true) by scripts/build.js in the package's build; the sources (under vitest) import the emulator's modules themselves. */
declare const __EMULATOR_SCRIPT__: boolean | undefined;

export type EmulatorModules = typeof import('./emulator-modules.js');

/**
 * The emulator (oidc-provider, Koa, our routes and the fixture reader: most of the code), loaded on the
 * first start with Node's compile cache on, as the bin has it: later test processes read its compiled
 * code instead of compiling it. In the package, it is the one script the bin runs (#code-cache), whose
 * cache holds every function a start compiles, not only each module's top level: about a third of an
 * in-process start. The caches sit in Node's default directory, per Node version and user;
 * NODE_DISABLE_COMPILE_CACHE=1 turns them off, and a directory the process chose already
 * (NODE_COMPILE_CACHE, or its own call) is kept. `started`: call it once a start is ready; `signedIn`, once
 * that start has also served a sign-in.
 */
export async function loadEmulator(): Promise<{ modules: EmulatorModules; started: () => void; signedIn: () => void }> {
  enableCompileCache();
  if (typeof __EMULATOR_SCRIPT__ === 'undefined') return { modules: await import('./emulator-modules.js'), started: () => undefined, signedIn: () => undefined };
  // Required, not imported: bin/ is CommonJS, and an ES module import of CommonJS has Node lex it for its names first.
  const { loadEmulatorScript } = createRequire(import.meta.url)('#code-cache') as typeof import('#code-cache');
  const script = loadEmulatorScript();
  // Each test process may validate fixtures of its own: a cache that holds the validation beats none.
  // Once it has also served a sign-in, the cache the next test processes start with holds the emulator's side of a sign-in too.
  return { modules: script.exports.emulator, started: () => script.saveCodeCache({ anyStart: true }), signedIn: () => script.saveCodeCache({ signedIn: true }) };
}
