// `npm run build`: dist/ as the package ships it. The type declarations come from tsc (which also
// type-checks); the code is bundled by esbuild, so starting the server reads a few files instead of
// a module graph of hundreds. The entry points `.` and `./scenarios` are a file each; code they share
// sits in dist/chunks/, once, so a process that imports both still has one clock and one of each
// module. `./testing` is one file of its own (see its build below). What a start does not need stays
// out of the way: the Redis client, the mail sender and catcher, QR codes and TOTP are loaded when first used.
// The bin's command line and the testing library's in-process emulator are one CommonJS file of their
// own, dist/provider/emulator.cjs, which both run with a V8 code cache of everything a start compiles
// (bin/code-cache.js). That file has its own copy of every module: what crosses from it to the entry
// points is plain data, and its one error a caller tells by class, StartupError, is branded.
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeBuildStamp } from './build-if-stale.cjs';
import { codeCacheScript, jsonParse, requireBuiltins, STACK_PLUGINS } from './build-plugins.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/**
 * Loaded on first use (dynamic imports in the sources) straight from node_modules. The mail catcher's
 * smtp-server and nodemailer are lazy too, but bundled into chunks of their own: the catcher starts
 * with every embedded start, and unbundled, nodemailer's ESM import of node:http loads undici (see
 * requireBuiltins), ~6 MB and ~30 ms of each start.
 */
const LAZY_PACKAGES = ['ioredis', 'mailparser', 'qrcode', 'otplib'];

/**
 * Packages the emulator's script imports only dynamically, for what no start does: WebAuthn ceremonies,
 * sending mail over SMTP, the saved e-mail cookie. Each is an ES module bundle of its own,
 * dist/vendor/<name>.mjs, which the script imports on first use (an ES module: its namespace is the
 * package's own, as when the sources import it). Left in the script, they were a third of it, and a
 * start reads every byte of the script and copies it into a string: ~3 ms a MB, most of it the kernel
 * handing out the pages.
 */
const VENDOR_PACKAGES = ['@simplewebauthn/server', '@simplewebauthn/server/helpers', 'nodemailer', 'tough-cookie'];
/** The same for the testing library (one file, see below): its cookie jar, and the token checks of its first sign-in. */
const LIBRARY_VENDOR_PACKAGES = ['tough-cookie', 'jose'];
const vendorName = (specifier) => specifier.replace(/^@/, '').replaceAll('/', '-');

/** In a bundle `at` dist/<at>/, a dynamic import of one of `packages` names its vendor bundle instead; a static one fails the build. */
const vendorImports = (packages, at) => ({
  name: 'vendor-imports',
  setup(build) {
    const vendor = new RegExp(`^(${packages.map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);
    const up = '../'.repeat(at.split('/').length);
    build.onResolve({ filter: vendor }, ({ path, kind, importer }) => {
      if (kind !== 'dynamic-import') throw new Error(`${importer} imports ${path} statically; its bundle loads it from dist/vendor/ on first use, so import it with import()`);
      return { path: `${up}vendor/${vendorName(path)}.mjs`, external: true };
    });
  },
});

/** Each vendor bundle's entry: the package's exports, its default too when it has one. */
const vendorEntries = {
  name: 'vendor-entries',
  setup(build) {
    build.onResolve({ filter: /^vendor:/ }, ({ path }) => ({ path: path.slice('vendor:'.length), namespace: 'vendor' }));
    build.onLoad({ filter: /.*/, namespace: 'vendor' }, async ({ path }) => {
      const hasDefault = 'default' in (await import(path));
      return { contents: [`export * from ${JSON.stringify(path)};`, ...(hasDefault ? [`export { default } from ${JSON.stringify(path)};`] : [])].join('\n'), loader: 'js', resolveDir: root };
    });
  },
};

/**
 * The testing library's HTML parser, parse5, is read on the first page it parses, from a CommonJS
 * bundle of its own (dist/vendor/parse5.cjs, required: the library's page functions are synchronous).
 * Bundled with the library, its 230 KB were compiled and its tables built by every import of the
 * library, before the library turns Node's compile cache on: a third of the import.
 */
/** A package import (package.json "imports"): it names the bundle from whichever file of dist/ requires it. */
const PARSE5_BUNDLE = '#parse5';
const lazyParse5 = {
  name: 'lazy-parse5',
  setup(build) {
    const html = join(root, 'provider', 'testing', 'web', 'html.ts');
    build.onResolve({ filter: /^parse5$/ }, ({ importer }) => {
      if (importer !== html) throw new Error(`${importer} imports parse5; scripts/build.js loads it lazily for ${html} alone`);
      return { path: 'parse5', namespace: 'lazy-parse5' };
    });
    build.onResolve({ filter: /^#parse5$/ }, ({ path }) => ({ path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-parse5' }, () => ({
      contents: `let loaded; export const parse = (...args) => (loaded ??= require(${JSON.stringify(PARSE5_BUNDLE)})).parse(...args);`,
      loader: 'js',
    }));
  },
};

/** This build's id: what it keeps between starts (validated fixtures, provider/fixtures/kept-fixtures.ts) is its own. */
const BUILD_ID = randomUUID();
const STARTED_AT = Date.now();

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** First in every file of the package's entry points, so first to run (see the banner below). */
const NODE_CHECK = "import '#require-supported-node';";
/** The bundled CommonJS packages require Node's built-ins. */
const REQUIRE = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * esbuild writes the banner into every file, the shared chunks too. A chunk is only ever imported by
 * an entry point, which has checked Node before, so the check goes from the chunks; `require` goes
 * from every file that does not use it. Each was a module to resolve or a createRequire to make for
 * every file an import of `.` or `./scenarios` loads.
 */
function trimBanners(outputs) {
  for (const [file, { entryPoint }] of Object.entries(outputs)) {
    if (!file.endsWith('.js')) continue;
    const path = join(root, file);
    let code = readFileSync(path, 'utf8');
    const lines = code.split('\n');
    if (lines[0] !== NODE_CHECK || lines[1] !== REQUIRE) throw new Error(`${file} does not begin with the banner scripts/build.js gives it`);
    const body = lines.slice(2).join('\n');
    code = [...(entryPoint === undefined ? [] : [NODE_CHECK]), ...(/\brequire\b/.test(body) ? [REQUIRE] : []), body].join('\n');
    writeFileSync(path, code);
  }
}

const packageBuild = await build({
  absWorkingDir: root,
  entryPoints: ['provider/index.ts', 'scenarios/runner/index.ts'],
  outdir: dist,
  outbase: '.',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: [...LAZY_PACKAGES, '#require-supported-node'],
  define: { __BUILD_ID__: JSON.stringify(BUILD_ID) },
  plugins: [lazyParse5, ...STACK_PLUGINS],
  // One copy of the MIME table: Koa's accepts@1 would bring mime-types@2 and a second mime-db.
  alias: { 'mime-types': './node_modules/mime-types' },
  // Without comments (some are not ASCII) the code is ASCII, so V8 holds it in one byte per character,
  // and it is a third smaller. Names stay as they are: oidc-provider reads class names, and stack
  // traces name the functions of the sources.
  minifyWhitespace: true,
  // First in every entry point, so first to run: on a Node older than we need, importing any entry
  // point throws the one-line reason before the bundled code runs (the bin checks before it imports).
  banner: { js: [NODE_CHECK, REQUIRE].join('\n') },
  metafile: true,
  logLevel: 'warning',
});
trimBanners(packageBuild.metafile.outputs);

/**
 * The testing library, `./testing`: one file, which shares no chunk with the other entry points. Every
 * test file imports it, and each file an ES module imports is resolved, read and linked on its own: as
 * ten files (the shared chunks, and bin/'s CommonJS checks, which Node lexes for their names when
 * imported), its import took twice as long. It starts its emulator from the one script the bin runs
 * (#code-cache, required); what it loads on first use comes from dist/vendor/. It checks Node itself,
 * first (provider/testing/supported-node.ts), so it has no banner but `require`.
 */
await build({
  absWorkingDir: root,
  entryPoints: ['provider/testing/index.ts'],
  outfile: join(dist, 'provider', 'testing', 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: LAZY_PACKAGES,
  define: { __EMULATOR_SCRIPT__: 'true' },
  plugins: [vendorImports(LIBRARY_VENDOR_PACKAGES, 'provider/testing'), lazyParse5, ...STACK_PLUGINS],
  minifyWhitespace: true,
  banner: { js: REQUIRE },
  logLevel: 'warning',
});

/**
 * The bin's command line (the server and `scenarios run`) and the modules the testing library starts an
 * emulator with (provider/emulator-script.ts) as one script for bin/code-cache.js, which
 * runs it with V8's code cache. A script, not a module: V8 makes the code cache of a script after it has
 * run, with every function the start compiled, and Node has no such thing for modules. Built-ins are
 * required, each name read only where used, as in the modules' build (requireBuiltins: esbuild's own
 * __toESM of a require copies every export); the lazy packages stay dynamic imports (the script imports them with
 * Node's loader); the file has the shape code-cache.js runs (codeCacheScript).
 */
await build({
  absWorkingDir: root,
  entryPoints: ['provider/emulator-script.ts'],
  outfile: join(dist, 'provider', 'emulator.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  external: LAZY_PACKAGES,
  plugins: [vendorImports(VENDOR_PACKAGES, 'provider'), lazyParse5, ...STACK_PLUGINS],
  alias: { 'mime-types': './node_modules/mime-types' },
  minifyWhitespace: true,
  define: { ...codeCacheScript.define, __BUILD_ID__: JSON.stringify(BUILD_ID) },
  // esbuild's default, written out: bin/code-cache.js reads the file as Latin-1.
  charset: 'ascii',
  banner: codeCacheScript.banner,
  footer: codeCacheScript.footer,
  logLevel: 'warning',
});
await build({
  absWorkingDir: root,
  entryPoints: [...new Set([...VENDOR_PACKAGES, ...LIBRARY_VENDOR_PACKAGES])].map((specifier) => ({ in: `vendor:${specifier}`, out: vendorName(specifier) })),
  outdir: join(dist, 'vendor'),
  outExtension: { '.js': '.mjs' },
  // The WebAuthn library and its helpers share most of their code: once, in dist/vendor/chunks/.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  plugins: [vendorEntries, requireBuiltins, jsonParse],
  minifyWhitespace: true,
  banner: { js: REQUIRE },
  logLevel: 'warning',
});

await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'node_modules', 'parse5', 'dist', 'index.js')],
  outfile: join(dist, 'vendor', 'parse5.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  minifyWhitespace: true,
  logLevel: 'warning',
});

// The script's id, which names its code cache (bin/code-cache.js): a start reads it instead of hashing 3 MB.
const emulatorScript = join(dist, 'provider', 'emulator.cjs');
writeFileSync(`${emulatorScript.slice(0, -'.cjs'.length)}.id`, `${createHash('sha256').update(readFileSync(emulatorScript)).digest('hex').slice(0, 16)}\n`);
writeBuildStamp({ startedAt: STARTED_AT });
