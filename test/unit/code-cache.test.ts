import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readScript } from '../../bin/code-cache.js';

describe("the scripts' runner (bin/code-cache.js)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvc-scripts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a script as the build wrote it', () => {
    writeFileSync(join(dir, 'script.cjs'), '(function () {})');
    expect(readScript(join(dir, 'script.cjs')).source).toBe('(function () {})');
  });

  it('says which script is missing and how to make it, when dist/ is not a whole build', () => {
    expect(() => readScript(join(dir, 'client-packages.cjs'))).toThrow(`${join(dir, 'client-packages.cjs')} is missing: dist/ is not a whole build; run npm run build`);
  });
});
