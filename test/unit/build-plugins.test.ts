import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Stream } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { depdLinesOnFirstUse, destroyOnFirstUse, httpErrorsOnFirstUse, jsonParse, mimeTypesMaps } from '../../scripts/build-plugins.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

interface MimeTypes {
  lookup(path: string): string | false;
  contentType(type: string): string | false;
  charset(type: string): string | false;
  extension(type: string): string | false;
  types: Record<string, string>;
  extensions: Record<string, string[]>;
  _extensionConflicts: string[][];
}

/** The code of a package as the bin's bundle has it, built with `plugins`. */
async function bundledText(specifier: string, plugins: Plugin[]): Promise<string> {
  const result = await build({
    absWorkingDir: ROOT,
    stdin: { contents: `module.exports = require(${JSON.stringify(specifier)});`, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    plugins,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A package as the bin's bundle has it, built with `plugins`. */
async function bundledPackage<T>(specifier: string, plugins: Plugin[]): Promise<T> {
  const text = await bundledText(specifier, plugins);
  const dir = mkdtempSync(join(tmpdir(), 'mvc-bundled-'));
  try {
    writeFileSync(join(dir, 'bundled.cjs'), text);
    return require(join(dir, 'bundled.cjs')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the bundle's mime-types (scripts/build-plugins.js)", () => {
  it('answers every extension and every type of mime-db as mime-types itself does, the common ones first', async () => {
    const bundled = await bundledPackage<MimeTypes>('mime-types', [mimeTypesMaps, jsonParse]);
    const original = require('mime-types') as MimeTypes;
    const allTypes = Object.keys(require('mime-db') as Record<string, unknown>);
    // The common answers, asked before anything loads the maps: Koa's own questions.
    for (const asked of ['json', 'html', 'text', 'bin', 'css', 'js', 'svg', 'txt']) expect(bundled.contentType(asked), asked).toBe(original.contentType(asked));
    for (const asked of ['application/json', 'text/html', 'text/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'Text/HTML; charset=latin1'])
      expect(bundled.contentType(asked), asked).toBe(original.contentType(asked));
    for (const extension of [...Object.keys(original.types), 'no-such-extension', '', 'x.JSON', '/a/b/c.HTML', '.woff2']) expect(bundled.lookup(extension), extension).toBe(original.lookup(extension));
    for (const type of [...allTypes, 'text/x-unknown', 'application/x-unknown', 'nonsense', '']) {
      expect(bundled.charset(type), type).toBe(original.charset(type));
      expect(bundled.contentType(type), type).toBe(original.contentType(type));
      expect(bundled.extension(type), type).toBe(original.extension(type));
    }
    expect({ ...bundled.types }).toEqual({ ...original.types });
    expect({ ...bundled.extensions }).toEqual({ ...original.extensions });
    expect(bundled._extensionConflicts).toEqual(original._extensionConflicts);
  });

  /** What an error says of itself, on it or on its class. */
  const fields = (error: Error & Record<string, unknown>) => ({ name: error.name, message: error.message, status: error['status'], statusCode: error['statusCode'], expose: error['expose'], headers: error['headers'], own: { ...error } });

  it("makes http-errors' classes as http-errors itself does, Koa's copy and http-assert's, each when its status or name is first read", async () => {
    type CreateError = ((...args: unknown[]) => Error & Record<string, unknown>) & Record<string, unknown> & { HttpError: new () => Error };
    for (const path of ['http-errors', 'http-assert/node_modules/http-errors']) {
      const bundled = await bundledPackage<CreateError>(path, [httpErrorsOnFirstUse]);
      const original = require(path) as CreateError;
      expect(Object.keys(bundled), path).toEqual(Object.keys(original));
      for (const key of Object.keys(original).filter((name) => /^\d+$/.test(name))) {
        const Made = bundled[key] as new (message?: string) => Error & Record<string, unknown>;
        const Expected = original[key] as new (message?: string) => Error & Record<string, unknown>;
        const name = Object.keys(original).find((other) => original[other] === Expected && other !== key)!;
        expect(bundled[name], `${path} ${key}`).toBe(Made);
        expect(Made.name, `${path} ${key}`).toBe(Expected.name);
        const [made, expected] = [new Made(), new Expected()];
        expect(fields(made), `${path} ${key}`).toEqual(fields(expected));
        expect(made).toBeInstanceOf(bundled.HttpError);
        const thrown = bundled(Number(key), 'as the caller put it', { headers: { a: 'b' } });
        const expectedThrown = original(Number(key), 'as the caller put it', { headers: { a: 'b' } });
        expect(fields(thrown), `${path} ${key}`).toEqual(fields(expectedThrown));
        expect(thrown).toBeInstanceOf(Made);
      }
    }
  });
});

describe("the bundle's destroy (Koa's, scripts/build-plugins.js)", () => {
  type Destroy = (stream: Stream, suppress?: boolean) => Stream;
  /** What destroying a new stream of each kind leaves, once it has settled. */
  async function afterDestroy(destroy: Destroy) {
    const file = createReadStream(fileURLToPath(import.meta.url));
    await once(file, 'open');
    const gzip = createGzip();
    const plain = new PassThrough();
    const quiet = new PassThrough();
    for (const stream of [file, gzip, plain]) destroy(stream);
    destroy(quiet, true);
    quiet.emit('error', new Error('suppressed: destroy listens for it'));
    await Promise.all([once(file, 'close'), once(gzip, 'close')]);
    return { file: { destroyed: file.destroyed, closed: file.closed }, gzip: { destroyed: gzip.destroyed, closed: gzip.closed }, plain: plain.destroyed, quiet: quiet.destroyed };
  }

  it('destroys file, zlib and other streams as destroy itself does, though it requires node:zlib and file streams only when asked', async () => {
    const bundled = await bundledPackage<Destroy>('destroy', [destroyOnFirstUse]);
    const expected = await afterDestroy(require('destroy') as Destroy);
    expect(expected).toEqual({ file: { destroyed: true, closed: true }, gzip: { destroyed: true, closed: true }, plain: true, quiet: true });
    expect(await afterDestroy(bundled)).toEqual(expected);
  });
});

describe("the bundle's depd (http-errors', cookies' and http-assert's, scripts/build-plugins.js)", () => {
  type Depd = (namespace: string) => ((message: string) => void) & { function: <F>(fn: F, message: string) => F };
  const dir = mkdtempSync(join(tmpdir(), 'mvc-depd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A library that deprecates a function and a call, and an application that uses both: two files, as depd reads them.
  writeFileSync(
    join(dir, 'library.cjs'),
    "module.exports = (depd) => {\n  const deprecate = depd('mvc-library');\n  return {\n    old: deprecate.function(function old() { return 1; }, 'old is old'),\n    warn() { deprecate('warn is old'); },\n  };\n};\n",
  );
  writeFileSync(join(dir, 'application.cjs'), 'module.exports = (library) => {\n  library.warn();\n  library.old();\n};\n');

  /** What depd prints on stderr when the application uses the library (the time each line starts with left out). */
  function messagesOf(depd: Depd): string[] {
    const library = (require(join(dir, 'library.cjs')) as (depd: Depd) => unknown)(depd);
    const printed: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (text: string) => printed.push(text.replace(/^.*? GMT /, '').trim()) > 0;
    try {
      (require(join(dir, 'application.cjs')) as (library: unknown) => void)(library);
    } finally {
      process.stderr.write = write;
    }
    return printed;
  }

  it("names the caller's file, line and column as depd itself does, though it reads them only for a message it prints", async () => {
    for (const path of ['depd', 'http-assert/node_modules/depd']) {
      const bundled = await bundledPackage<Depd>(path, [depdLinesOnFirstUse]);
      const expected = messagesOf(require(path) as Depd);
      expect(expected, path).toEqual([expect.stringMatching(/^mvc-library deprecated warn is old at .*application\.cjs:2:11$/), expect.stringMatching(/^mvc-library deprecated old is old at .*application\.cjs:3:11$/)]);
      expect(messagesOf(bundled), path).toEqual(expected);
      // What it prints comes from the rewritten depd: a call site's line is read when a message asks for it.
      expect(await bundledText(path, [depdLinesOnFirstUse]), path).toMatch(/Object\.defineProperty\(site\d*, 1, \{\s*get: function\(\) \{\s*return callSite\d*\.getLineNumber\(\);/);
    }
  });
});
