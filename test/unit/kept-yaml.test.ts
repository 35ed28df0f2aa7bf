import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { parseKeptYaml } from '../../provider/fixtures/kept-yaml.js';

const OPTIONS = { prettyErrors: true, uniqueKeys: true };
const fixtureText = (n: number) => `users:\n  - email: user-${n}@exempel.se\n    password: "Sommar2025!x"\n    roles: [admin, "2fa"]\n`;

describe('parsed fixture YAML kept between starts', () => {
  const dirs: string[] = [];
  const cacheDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mvc-kept-yaml-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('reads a kept document back as the parser gave it, and a changed text anew', () => {
    const dir = cacheDir();
    expect(parseKeptYaml(fixtureText(1), OPTIONS, dir)).toEqual(parse(fixtureText(1), OPTIONS));
    expect(readdirSync(dir)).toHaveLength(1);
    expect(parseKeptYaml(fixtureText(1), OPTIONS, dir)).toEqual(parse(fixtureText(1), OPTIONS));
    expect(parseKeptYaml(fixtureText(2), OPTIONS, dir)).toEqual(parse(fixtureText(2), OPTIONS));
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('parses a document again when its kept copy cannot be read back, and keeps it anew', () => {
    const dir = cacheDir();
    parseKeptYaml(fixtureText(1), OPTIONS, dir);
    const [name] = readdirSync(dir);
    const kept = join(dir, name!);
    const whole = readFileSync(kept);
    writeFileSync(kept, whole.subarray(0, -8));
    expect(parseKeptYaml(fixtureText(1), OPTIONS, dir)).toEqual(parse(fixtureText(1), OPTIONS));
    expect(readFileSync(kept)).toEqual(whole);
    expect(parseKeptYaml(fixtureText(1), OPTIONS, dir)).toEqual(parse(fixtureText(1), OPTIONS));
  });

  it('keeps no more than the newest 32 documents however many fixture texts a suite writes', () => {
    const dir = cacheDir();
    for (let n = 0; n < 40; n += 1) parseKeptYaml(fixtureText(n), OPTIONS, dir);
    expect(readdirSync(dir)).toHaveLength(32);
  });

  it('does not keep a document with warnings, so each start shows them again', () => {
    const dir = cacheDir();
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      parseKeptYaml('users: !unknown-tag []\n', OPTIONS, dir);
      parseKeptYaml('users: !unknown-tag []\n', OPTIONS, dir);
      expect(warned).toHaveBeenCalledTimes(2);
      expect(String(warned.mock.calls[0]![0])).toContain('Unresolved tag: !unknown-tag');
    } finally {
      warned.mockRestore();
    }
    expect(readdirSync(dir)).toHaveLength(0);
  });
});
