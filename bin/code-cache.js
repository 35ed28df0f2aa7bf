// Runs the emulator's script (dist/provider/emulator.cjs, one CommonJS script: the bin's command line
// and the testing library's in-process emulator) with a V8 code cache that holds every function a start compiles. Node's compile cache (module.enableCompileCache) saves a
// module's code when it is compiled, before it runs: it holds the top level only, so each function a
// start calls is still parsed and compiled, about a fifth of a start. V8 makes the code cache of a
// script after it has run, with those functions in it. The cache file sits in Node's compile cache
// directory (one per Node version, V8 version and user) under the script's build id (its SHA-256,
// written beside it by scripts/build.js: hashing 3 MB at each start took ~10 ms), length and
// modification time (a hand-edited script is a new one), and V8 checks it again (its version, flags
// and the source's length) before using it; when there is none, or
// V8 refused it, a new one is written once the command has done its work (the server: once it is ready),
// by a bin start that did not just validate and keep its fixture file (the first start of a new file or
// build leaves it to the next).
//
// CommonJS, as all of bin/ is (bin/package.json): Node starts a CommonJS entry point and loads its
// modules without its ES module loader, ~7 ms less of each start. ES modules import these files all
// the same (the testing library, the Docker image's build, the benchmark).
const { keepNewest, writeQuietly } = require('./cache-files.js');
const { closeSync, fstatSync, openSync, readFileSync } = require('node:fs');
const { createRequire, enableCompileCache, getCompileCacheDir } = require('node:module');
const path = require('node:path');
const { constants, Script } = require('node:vm');

const SCRIPT = path.join(__dirname, '..', 'dist', 'provider', 'emulator.cjs');
const BUILD_ID = `${SCRIPT.slice(0, -'.cjs'.length)}.id`;
/** Code caches kept in the directory, the newest: each build writes one, and several installs may share the directory. */
const KEPT_CODE_CACHES = 4;
let loaded;

/**
 * The script's exports (`main`, the command line; `emulator`, what the testing library starts one with),
 * and `saveCodeCache` to call once a start is ready. Run once a process: later calls return the same.
 */
function loadEmulatorScript() {
  loaded ??= runEmulatorScript();
  return loaded;
}

function runEmulatorScript() {
  const { source, mtimeMs } = readScript(SCRIPT);
  const dir = getCompileCacheDir();
  const cacheFile = dir === undefined ? undefined : path.join(dir, `mock-visma-connect-${buildId(source)}-${source.length}-${Math.trunc(mtimeMs)}.v8cache`);
  const script = runWithCodeCache(SCRIPT, source, cacheFile);
  return {
    exports: script.exports,
    saveCodeCache({ anyStart = false } = {}) {
      // A start that validated its fixture file (and kept it) compiled the YAML parser and the fixture
      // schema, which the starts after it do not run: in the cache, they made each of those read and
      // deserialise ~200 KB more, about 5 ms. The next start writes the cache instead. `anyStart`: write
      // it all the same, for starts that may each validate a file of their own (the testing library's
      // test processes, a container's first start).
      if (!anyStart && script.exports.validatedAFixtureFileToKeep()) return;
      if (script.saveCodeCache()) keepNewest(path.dirname(cacheFile), (name) => /^mock-visma-connect-[0-9a-f]+(-\d+)+\.v8cache$/.test(name), KEPT_CODE_CACHES);
    },
  };
}

const MAIN_CONTEXT_LOADER_WARNING = 'vm.USE_MAIN_CONTEXT_DEFAULT_LOADER is an experimental feature';
let quieted = false;

/**
 * The script's lazy parts load by import() through the main context's loader, which Node 22 calls
 * experimental, and says so on stderr at the first import(): in every test process of a suite that uses
 * the testing library, and in the output of each `open` scenario step. That one warning, which is about
 * our own use, is dropped; any other goes on as it came.
 */
function quietAboutTheMainContextLoader() {
  if (quieted) return;
  quieted = true;
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = (warning, ...rest) => {
    const message = typeof warning === 'string' ? warning : warning?.message;
    if (typeof message === 'string' && message.startsWith(MAIN_CONTEXT_LOADER_WARNING)) return;
    emitWarning(warning, ...rest);
  };
}

/**
 * Runs `source`, the function CommonJS wraps a module in (as scripts/build.js writes the file, so that
 * V8 compiles it as it is read: wrapping it here would copy it), with V8's code cache from `cacheFile`.
 * `saveCodeCache` writes a new one when there was none or V8 refused it, and says whether it did.
 */
function runWithCodeCache(file, source, cacheFile) {
  quietAboutTheMainContextLoader();
  const script = new Script(source, {
    filename: file,
    cachedData: cacheFile === undefined ? undefined : readIfThere(cacheFile),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  let stale = cacheFile !== undefined && script.cachedDataRejected !== false;
  return {
    exports: module.exports,
    saveCodeCache() {
      if (!stale) return false;
      stale = false;
      writeQuietly(cacheFile, script.createCachedData());
      return true;
    },
  };
}

/**
 * A script and its modification time. Read straight into a string, with no 3 MB Buffer beside it until a
 * collection: esbuild writes ASCII, escaping the rest, so Latin-1 reads the same characters as UTF-8.
 */
function readScript(file) {
  const fd = openSync(file, 'r');
  try {
    return { source: readFileSync(fd, 'latin1'), mtimeMs: fstatSync(fd).mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** The build's id of the script; a script without one (built by hand) is hashed here. */
function buildId(source) {
  const id = readIfThere(BUILD_ID)?.toString('latin1').trim();
  if (id && /^[0-9a-f]+$/.test(id)) return id;
  return require('node:zlib').crc32(source).toString(16);
}

function readIfThere(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The settings of a start that only warms or measures: free loopback ports, errors only. */
const QUIET_START = { HOST: '127.0.0.1', PORT: '0', PUBLIC_API_PORT: '0', SMTP_PORT: '0', MAIL_API_PORT: '0', LOG_LEVEL: 'error' };

/**
 * For an image's build: one start on free loopback ports, with the image's settings otherwise, that writes
 * the caches; then exits. Its code cache holds the fixture validation too: a container started with a
 * fixture file of its own validates it at its first start.
 */
async function warmCodeCache() {
  enableCompileCache();
  const script = loadEmulatorScript();
  await script.exports.main([], { ...process.env, ...QUIET_START });
  script.saveCodeCache({ anyStart: true });
  process.exit(0);
}

module.exports = { loadEmulatorScript, runWithCodeCache, readScript, warmCodeCache, QUIET_START };
