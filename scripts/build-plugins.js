// esbuild plugins that make a bundle of oidc-provider and Koa start faster, whoever bundles them:
// scripts/build.js for the package, and the benchmark for oidc-provider alone (the floor of our stack,
// built as ours is). Each takes out work a start did for nothing.
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A value as code that makes it: JSON.parse of a string, which V8 reads faster than the same data as an object literal. */
const jsonLiteral = (value) => `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;

/**
 * Node's built-ins are required, not imported. For an ESM import of a built-in Node builds a module
 * namespace, which reads every export, lazy getters included: node:http's load all of undici (fetch),
 * node:fs's its streams, node:crypto's webcrypto: about a tenth of a start, for nothing we use. Each
 * built-in becomes a module that requires it and exports each of its names on its own, so that the
 * bundle keeps (and reads) only the names it imports.
 */
export const requireBuiltins = {
  name: 'require-builtins',
  setup(build) {
    const require = createRequire(import.meta.url);
    const builtin = new RegExp(`^(node:)?(${builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);
    build.onResolve({ filter: builtin }, ({ path, kind }) => (kind === 'import-statement' ? { path, namespace: 'builtin' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ path }) => {
      const names = Object.keys(Object.getOwnPropertyDescriptors(require(path))).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
      const exports = names.map((name) => `export const ${name} = /* @__PURE__ */ (() => m.${name})();`);
      return { contents: [`const m = require(${JSON.stringify(path)});`, 'export default m;', ...exports].join('\n'), loader: 'js' };
    });
  },
};

/**
 * Koa 3 asks `body instanceof ReadableStream`, `Blob` and `Response` of every body that is not a
 * string, buffer or stream (every JSON answer), and reading the global Response makes Node load
 * undici: ~25 ms and 5 MB on the first answer. In Koa's two files that ask, the three names answer
 * instanceof the same, but a plain object or array (which no web class makes) without loading anything.
 */
export const koaWebClasses = {
  name: 'koa-web-classes',
  setup(build) {
    const prelude = [
      'const __plain = (value) => Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null;',
      'const __webClass = (name) => ({ [Symbol.hasInstance]: (value) => typeof value === "object" && value !== null && !__plain(value) && value instanceof globalThis[name] });',
      'const ReadableStream = __webClass("ReadableStream"), Blob = __webClass("Blob"), Response = __webClass("Response");',
    ].join('\n');
    build.onLoad({ filter: /[\\/]node_modules[\\/]koa[\\/]lib[\\/](response|application)\.js$/ }, ({ path }) => ({ contents: `${prelude}\n${readFileSync(path, 'utf8')}`, loader: 'js' }));
  },
};

/**
 * oidc-provider makes two Intl.ListFormat objects when its module loads, for error messages only;
 * the first Intl object costs ~25 ms of ICU set-up. Each is made when first used instead.
 */
export const lazyListFormat = {
  name: 'lazy-list-format',
  setup(build) {
    const prelude = 'const __lazyListFormat = (...args) => { let made; return { format: (list) => (made ??= new Intl.ListFormat(...args)).format(list) }; };';
    build.onLoad({ filter: /[\\/]node_modules[\\/]oidc-provider[\\/]lib[\\/]helpers[\\/]formatters\.js$/ }, ({ path }) => ({
      contents: `${prelude}\n${readFileSync(path, 'utf8').replaceAll('new Intl.ListFormat(', '__lazyListFormat(')}`,
      loader: 'js',
    }));
  },
};

/**
 * mime-types fills its extension → type map when it loads, scoring each of mime-db's ~2,500 types, and
 * reads mime-db's table (~5–8 ms of a start). Koa asks it one thing a response, the type of `json`,
 * `html`, `text` or `bin` and that type's charset, and nothing at start. In the bundle, the maps (worked
 * out here, by mime-types itself) and mime-db's table are read on the first question the answers below
 * do not cover; those answers, for the extensions and types a server of ours uses, are worked out here
 * by mime-types too, so every answer is the one mime-types gives (test/unit/build-plugins.test.ts).
 * (The common answers do not follow changes made to `types` at run time: nothing in the bundle makes any.)
 */
const COMMON_EXTENSIONS = ['json', 'html', 'htm', 'text', 'txt', 'bin', 'js', 'mjs', 'css', 'svg', 'png', 'ico', 'xml', 'map', 'woff', 'woff2', 'jpg', 'jpeg', 'gif', 'pdf', 'csv'];
const COMMON_TYPES = ['text/json', 'text/javascript', 'application/javascript', 'application/x-www-form-urlencoded', 'multipart/form-data'];
export const mimeTypesMaps = {
  name: 'mime-types-maps',
  setup(build) {
    // The copy the alias below bundles.
    const index = join(root, 'node_modules', 'mime-types', 'index.js');
    const mimeTypes = createRequire(import.meta.url)(index);
    const commonTypes = Object.fromEntries(COMMON_EXTENSIONS.filter((extension) => mimeTypes.types[extension] !== undefined).map((extension) => [extension, mimeTypes.types[extension]]));
    const commonCharsets = Object.fromEntries([...new Set([...Object.values(commonTypes), ...COMMON_TYPES])].map((type) => [type, mimeTypes.charset(type)]));
    const edits = [
      ["var db = require('mime-db')\n", "var __db\nfunction db () { return __db || (__db = require('mime-db')) }\n"],
      ['var mime = match && db[match[1].toLowerCase()]\n', `var key = match && match[1].toLowerCase()\n  if (key && Object.hasOwn(__commonCharsets, key)) return __commonCharsets[key]\n  var mime = match && db()[key]\n`],
      ['return exports.types[extension] || false\n', 'return (Object.hasOwn(__commonTypes, extension) ? __commonTypes[extension] : exports.types[extension]) || false\n'],
      [
        'populateMaps(exports.extensions, exports.types)\n',
        [
          `var __commonTypes = ${jsonLiteral(commonTypes)}`,
          `var __commonCharsets = ${jsonLiteral(commonCharsets)}`,
          'var __maps',
          'function maps () {',
          '  if (__maps === undefined) {',
          '    __maps = { extensions: Object.create(null), types: Object.create(null), _extensionConflicts: [] }',
          '    const table = db()',
          '    for (const type of Object.keys(table)) if (table[type].extensions?.length) __maps.extensions[type] = table[type].extensions',
          `    Object.assign(__maps.types, ${jsonLiteral(mimeTypes.types)})`,
          `    __maps._extensionConflicts.push(...${jsonLiteral(mimeTypes._extensionConflicts)})`,
          '  }',
          '  return __maps',
          '}',
          "for (const name of ['extensions', 'types', '_extensionConflicts']) Object.defineProperty(exports, name, { enumerable: true, configurable: true, get: () => maps()[name], set: (value) => Object.defineProperty(exports, name, { value, writable: true, enumerable: true, configurable: true }) })",
          '',
        ].join('\n'),
      ],
    ];
    build.onLoad({ filter: /[\\/]node_modules[\\/]mime-types[\\/]index\.js$/ }, ({ path }) => {
      if (path !== index) return undefined;
      let source = readFileSync(path, 'utf8');
      for (const [written, lazy] of edits) {
        if (!source.includes(written)) throw new Error(`mime-types changed: ${path} no longer has ${JSON.stringify(written.trim())}, which scripts/build-plugins.js rewrites`);
        source = source.replace(written, lazy);
      }
      // Defined lazily above instead.
      for (const name of ['extensions', 'types']) source = source.replace(`exports.${name} = Object.create(null)\n`, '');
      source = source.replace('exports._extensionConflicts = []\n', '');
      return { contents: source, loader: 'js' };
    });
    // With its maps made here, mime-types reads only a type's charset and extensions from mime-db: the
    // bundle's table keeps those, for the types that have either (~1,000 of ~2,500, a third of the JSON
    // each start parses). Nothing else may import it.
    build.onResolve({ filter: /^mime-db$/ }, ({ importer }) => {
      if (importer !== index) throw new Error(`${importer} imports mime-db, whose table scripts/build-plugins.js trims for mime-types alone`);
      return undefined;
    });
    const table = join(root, 'node_modules', 'mime-db', 'db.json');
    build.onLoad({ filter: /[\\/]node_modules[\\/]mime-db[\\/]db\.json$/ }, ({ path }) => {
      if (path !== table) throw new Error(`${path}: not the mime-db scripts/build-plugins.js trims for mime-types`);
      const kept = Object.entries(JSON.parse(readFileSync(path, 'utf8')))
        .filter(([, { charset, extensions }]) => charset !== undefined || extensions !== undefined)
        .map(([type, { charset, extensions }]) => [type, { charset, extensions }]);
      return { contents: `module.exports = ${jsonLiteral(Object.fromEntries(kept))};`, loader: 'js' };
    });
  },
};

/**
 * http-errors makes a class for each HTTP error status when it loads (two copies: Koa's and
 * http-assert's, ~2–3 ms of a start each), for the one or two statuses a process ever answers with.
 * In the bundle each class is made when its status or name is first read (but 418's in http-errors@1,
 * whose deprecated alias reads it at load); the statuses and names are read here from http-errors
 * itself, so the classes are the ones it makes (test/unit/build-plugins.test.ts).
 */
export const httpErrorsOnFirstUse = {
  name: 'http-errors-on-first-use',
  setup(build) {
    const call = 'populateConstructorExports(module.exports, statuses.codes, module.exports.HttpError)\n';
    // http-errors@1's alias of 418, made by the same function.
    const alias = 'exports["I\'mateapot"] = deprecate.function(exports.ImATeapot,\n    \'"I\\\'mateapot"; use "ImATeapot" instead\')';
    build.onLoad({ filter: /[\\/]node_modules[\\/](.+[\\/])?http-errors[\\/]index\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (!source.includes(call)) throw new Error(`http-errors changed: ${path} no longer calls populateConstructorExports as scripts/build-plugins.js expects`);
      const made = createRequire(import.meta.url)(path);
      const statuses = Object.keys(made)
        .filter((key) => /^\d+$/.test(key))
        .map((code) => [Number(code), Object.keys(made).find((key) => made[key] === made[code] && !/^\d+$/.test(key))]);
      const lazy = [
        `__constructorsOnFirstUse(module.exports, module.exports.HttpError, ${jsonLiteral(statuses)})`,
        ...(source.includes(alias) ? [alias.replaceAll('exports', 'module.exports')] : []),
        'function __constructorsOnFirstUse (exports, HttpError, statuses) {',
        '  for (const [code, name] of statuses) {',
        '    let made',
        '    const get = () => made || (made = (code < 500 ? createClientErrorConstructor : createServerErrorConstructor)(HttpError, name, code))',
        '    const set = (key) => (value) => Object.defineProperty(exports, key, { value, writable: true, enumerable: true, configurable: true })',
        '    for (const key of [code, name]) Object.defineProperty(exports, key, { get, set: set(key), enumerable: true, configurable: true })',
        '  }',
        '}',
        '',
      ].join('\n');
      return { contents: source.replace(call, lazy), loader: 'js' };
    });
  },
};

/**
 * Koa's `destroy` requires node:zlib and reads node:fs's ReadStream when it loads, which loads Node's file
 * streams, fs/promises and readline with them (~1.5 ms of a start), for the one question it asks of a
 * stream it destroys: is it a file or zlib stream? No stream can be one before the module that makes it
 * is loaded, so in the bundle each is required when that question is first asked.
 */
export const destroyOnFirstUse = {
  name: 'destroy-on-first-use',
  setup(build) {
    const edits = [
      ["var ReadStream = require('fs').ReadStream\n", ''],
      ["var Zlib = require('zlib')\n", "var __zlib\nfunction zlib () { return __zlib || (__zlib = require('zlib')) }\n"],
      ['return stream instanceof ReadStream\n', "return stream instanceof require('fs').ReadStream\n"],
      ['function isZlibStream (stream) {\n', 'function isZlibStream (stream) {\n  var Zlib = zlib()\n'],
    ];
    build.onLoad({ filter: /[\\/]node_modules[\\/]destroy[\\/]index\.js$/ }, ({ path }) => {
      let source = readFileSync(path, 'utf8');
      for (const [written, lazy] of edits) {
        if (!source.includes(written)) throw new Error(`destroy changed: ${path} no longer has ${JSON.stringify(written.trim())}, which scripts/build-plugins.js rewrites`);
        source = source.replace(written, lazy);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

/**
 * depd (http-errors', cookies' and http-assert's deprecation messages) reads the line and column of its
 * caller when a module makes its `deprecate` (at load) or wraps a function, for a message it may never
 * print. A call site's line makes V8 find every line end of its script: in one script of 1.7 MB, ~2–3 ms
 * of a start. In the bundle a call site's file is read at once and its line and column when first read,
 * so a message that is printed says what depd itself says (test/unit/build-plugins.test.ts).
 */
export const depdLinesOnFirstUse = {
  name: 'depd-lines-on-first-use',
  setup(build) {
    const edits = [
      ['  var line = callSite.getLineNumber()\n  var colm = callSite.getColumnNumber()\n', ''],
      [
        '  var site = [file, line, colm]\n',
        [
          '  var site = [file]',
          '  Object.defineProperty(site, 1, { get: function () { return callSite.getLineNumber() }, enumerable: true, configurable: true })',
          '  Object.defineProperty(site, 2, { get: function () { return callSite.getColumnNumber() }, enumerable: true, configurable: true })',
          '',
        ].join('\n'),
      ],
    ];
    build.onLoad({ filter: /[\\/]node_modules[\\/](.+[\\/])?depd[\\/]index\.js$/ }, ({ path }) => {
      let source = readFileSync(path, 'utf8');
      for (const [written, lazy] of edits) {
        if (!source.includes(written)) throw new Error(`depd changed: ${path} no longer has ${JSON.stringify(written.trim())}, which scripts/build-plugins.js rewrites`);
        source = source.replace(written, lazy);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

/** JSON files (mime-db's table) as JSON.parse of a string (jsonLiteral). */
export const jsonParse = {
  name: 'json-parse',
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, ({ path }) => ({ contents: `module.exports = ${jsonLiteral(JSON.parse(readFileSync(path, 'utf8')))};`, loader: 'js' }));
  },
};

/** What every bundle of the stack (oidc-provider, Koa and their packages) is built with, in this order. */
export const STACK_PLUGINS = [requireBuiltins, koaWebClasses, lazyListFormat, mimeTypesMaps, httpErrorsOnFirstUse, destroyOnFirstUse, depdLinesOnFirstUse, jsonParse];

/**
 * The shape of a script bin/code-cache.js runs: the function CommonJS wraps a module in (V8 compiles the
 * file as it is read; wrapping it there would copy it), with import.meta.url the file's URL.
 */
export const codeCacheScript = {
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "(function (exports, require, module, __filename, __dirname) {'use strict'; const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  footer: { js: '})' },
};
