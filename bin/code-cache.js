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
// build leaves it to the next). The testing library writes a second one once its emulator has also
// served a sign-in, and runs its client side's script (dist/vendor/client-packages.cjs) the same way.
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
/** The testing library's client side (provider/testing/web/client-packages.ts): its cookie jar, HTML parser and token checks. */
const CLIENT_SCRIPT = path.join(__dirname, '..', 'dist', 'vendor', 'client-packages.cjs');
/** Code caches kept in the directory of each name, the newest: each build writes one, and several installs may share the directory. */
const KEPT_CODE_CACHES = 4;
/** The names of the code caches (cacheFileOf): the emulator's script once ready, once it has also served a sign-in, and the client side's. */
const STARTED_CACHE = 'mock-visma-connect';
const SIGNED_IN_CACHE = 'mock-visma-connect-signed-in';
const CLIENT_CACHE = 'mock-visma-connect-client';
let loaded;
let client;

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
  // Two caches of the script, the first there is used: one made once a start had also served a sign-in
  // (by the testing library, whose test processes sign in: ~20 % of a first sign-in was compiling the
  // emulator's side of it), and one made once a start was ready.
  const signedIn = cacheFileOf(SCRIPT, SIGNED_IN_CACHE, source, mtimeMs);
  const started = cacheFileOf(SCRIPT, STARTED_CACHE, source, mtimeMs);
  let ranWith;
  let cachedData;
  for (const file of [signedIn, started]) {
    cachedData = file && readIfThere(file);
    if (cachedData === undefined) continue;
    ranWith = file;
    break;
  }
  const script = runScript(SCRIPT, source, cachedData);
  let have = script.accepted ? ranWith : undefined;
  const write = (file, name) => {
    if (file === undefined) return;
    have = file;
    writeCache(file, script.createCachedData(), name);
  };
  return {
    exports: script.exports,
    saveCodeCache({ anyStart = false, signedIn: afterSignIn = false } = {}) {
      if (afterSignIn) {
        if (have !== signedIn) write(signedIn, SIGNED_IN_CACHE);
        return;
      }
      // A start that validated its fixture file (and kept it) compiled the YAML parser and the fixture
      // schema, which the starts after it do not run: in the cache, they made each of those read and
      // deserialise ~200 KB more, about 5 ms. The next start writes the cache instead. `anyStart`: write
      // it all the same, for starts that may each validate a file of their own (the testing library's
      // test processes, a container's first start).
      if (!anyStart && script.exports.validatedAFixtureFileToKeep()) return;
      if (have === undefined) write(started, STARTED_CACHE);
    },
  };
}

/**
 * The client side's packages, and `saveCodeCache` to call once a sign-in has used them: its cache then
 * holds every function a sign-in compiled (parse5's tokenizer, tough-cookie's and jose's checks), about
 * a quarter of what a new test process's first sign-in spent in them. Run once a process.
 */
function loadClientScript() {
  client ??= runClientScript();
  return client;
}

function runClientScript() {
  const { source, mtimeMs } = readScript(CLIENT_SCRIPT);
  const script = runWithCodeCache(CLIENT_SCRIPT, source, cacheFileOf(CLIENT_SCRIPT, CLIENT_CACHE, source, mtimeMs), CLIENT_CACHE);
  return { exports: script.exports, saveCodeCache: () => void script.saveCodeCache() };
}

/** Where the code cache `<name>-<build id>-<length>-<modification time>.v8cache` of `file` sits: in Node's compile cache directory, when there is one. */
function cacheFileOf(file, name, source, mtimeMs) {
  const dir = getCompileCacheDir();
  return dir === undefined ? undefined : path.join(dir, `${name}-${buildId(file, source)}-${source.length}-${Math.trunc(mtimeMs)}.v8cache`);
}

/** Writes a code cache; one named by cacheFileOf keeps the newest few of its name in the directory beside it. */
function writeCache(file, data, name) {
  writeQuietly(file, data);
  if (name === undefined) return;
  const ofThisName = new RegExp(`^${name}-[0-9a-f]+(-\\d+)+\\.v8cache$`);
  keepNewest(path.dirname(file), (cached) => ofThisName.test(cached), KEPT_CODE_CACHES);
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
 * V8 compiles it as it is read: wrapping it here would copy it), with `cachedData`, V8's code cache of
 * it, if any; says whether V8 took it, and makes a new one of what has run until then.
 */
function runScript(file, source, cachedData) {
  quietAboutTheMainContextLoader();
  const script = new Script(source, { filename: file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, accepted: cachedData !== undefined && script.cachedDataRejected === false, createCachedData: () => script.createCachedData() };
}

/**
 * `runScript` with the code cache in `cacheFile`: `saveCodeCache` writes a new one when there was none or
 * V8 refused it (once), keeps the newest of its `name` (cacheFileOf's), and says whether it wrote.
 */
function runWithCodeCache(file, source, cacheFile, name) {
  const script = runScript(file, source, cacheFile && readIfThere(cacheFile));
  let stale = cacheFile !== undefined && !script.accepted;
  return {
    exports: script.exports,
    saveCodeCache() {
      if (!stale) return false;
      stale = false;
      writeCache(cacheFile, script.createCachedData(), name);
      return true;
    },
  };
}

/**
 * A script and its modification time. Read straight into a string, with no 3 MB Buffer beside it until a
 * collection: esbuild writes ASCII, escaping the rest, so Latin-1 reads the same characters as UTF-8.
 * A script that is not there is a build that is not whole (a checkout's dist/ taken apart by hand).
 */
function readScript(file) {
  let fd;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error(`${file} is missing: dist/ is not a whole build; run npm run build`, { cause: error });
    throw error;
  }
  try {
    return { source: readFileSync(fd, 'latin1'), mtimeMs: fstatSync(fd).mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** The build's id of the script (written beside it, `<name>.id`); a script without one (built by hand) is hashed here. */
function buildId(file, source) {
  const id = readIfThere(`${file.slice(0, -'.cjs'.length)}.id`)
    ?.toString('latin1')
    .trim();
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

module.exports = { loadEmulatorScript, loadClientScript, runWithCodeCache, readScript, warmCodeCache, QUIET_START };
