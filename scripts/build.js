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
 * The testing library's client side (provider/testing/web/client-packages.ts: tough-cookie, parse5 and
 * jose, ~450 KB) is one script of its own, dist/vendor/client-packages.cjs, which bin/code-cache.js
 * runs with a V8 code cache made after a sign-in, as it runs the emulator's: a new test process's first
 * sign-in compiled parse5's tokenizer and the checks of the other two anew, and built their tables, for
 * ~50 ms. In every bundle, the module that hands the packages out (client-script.ts) runs that script
 * on first use; nothing else may import them in the testing library, nor parse5 anywhere.
 */
const CLIENT_SCRIPT_MODULE = join(root, 'provider', 'testing', 'web', 'client-script.ts');
const CLIENT_PACKAGES_MODULE = join(root, 'provider', 'testing', 'web', 'client-packages.ts');
const CLIENT_PACKAGES = ['tough-cookie', 'parse5', 'jose'];
const clientScript = ({ library }) => ({
  name: 'client-script',
  setup(build) {
    build.onLoad({ filter: /[\\/]provider[\\/]testing[\\/]web[\\/]client-script\.ts$/ }, ({ path }) => {
      if (path !== CLIENT_SCRIPT_MODULE) return undefined;
      return {
        contents: [
          "import { createRequire } from 'node:module';",
          'let script;',
          // Required as the testing library requires the emulator's script (provider/testing/load-emulator.ts): bin/ is CommonJS, and stays unbundled.
          "export const clientPackages = () => (script ??= createRequire(import.meta.url)('#code-cache').loadClientScript()).exports;",
          'export const clientPackagesUsed = () => script?.saveCodeCache();',
        ].join('\n'),
        loader: 'js',
      };
    });
    build.onResolve({ filter: new RegExp(`^(${CLIENT_PACKAGES.join('|')})$`) }, ({ path, importer }) => {
      if ((library || path === 'parse5') && importer !== CLIENT_PACKAGES_MODULE) throw new Error(`${importer} imports ${path}, which scripts/build.js loads from the client side's script: use clientPackages() of ${CLIENT_SCRIPT_MODULE}`);
      return undefined;
    });
  },
});

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
  plugins: [clientScript({ library: false }), ...STACK_PLUGINS],
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
  plugins: [clientScript({ library: true }), ...STACK_PLUGINS],
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
  plugins: [vendorImports(VENDOR_PACKAGES, 'provider'), clientScript({ library: false }), ...STACK_PLUGINS],
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
  entryPoints: VENDOR_PACKAGES.map((specifier) => ({ in: `vendor:${specifier}`, out: vendorName(specifier) })),
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
  entryPoints: [CLIENT_PACKAGES_MODULE],
  outfile: join(dist, 'vendor', 'client-packages.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  plugins: [requireBuiltins, jsonParse],
  minifyWhitespace: true,
  define: codeCacheScript.define,
  charset: 'ascii',
  banner: codeCacheScript.banner,
  footer: codeCacheScript.footer,
  logLevel: 'warning',
});

// Each script's id, which names its code cache (bin/code-cache.js): a start reads it instead of hashing 3 MB.
for (const script of [join(dist, 'provider', 'emulator.cjs'), join(dist, 'vendor', 'client-packages.cjs')]) {
  writeFileSync(`${script.slice(0, -'.cjs'.length)}.id`, `${createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16)}\n`);
}
writeBuildStamp({ startedAt: STARTED_AT });
