import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { jsonParse, mimeTypesMaps } from '../../scripts/build-plugins.js';

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

/** mime-types as the bin's bundle has it: its maps and mime-db's table read on the first question its common answers do not cover. */
async function bundledMimeTypes(): Promise<MimeTypes> {
  const result = await build({
    absWorkingDir: ROOT,
    stdin: { contents: "module.exports = require('mime-types');", resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    plugins: [mimeTypesMaps, jsonParse],
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'mvc-mime-types-'));
  try {
    writeFileSync(join(dir, 'mime-types.cjs'), result.outputFiles[0]!.text);
    return require(join(dir, 'mime-types.cjs')) as MimeTypes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the bundle's mime-types (scripts/build-plugins.js)", () => {
  it('answers every extension and every type of mime-db as mime-types itself does, the common ones first', async () => {
    const bundled = await bundledMimeTypes();
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
});
