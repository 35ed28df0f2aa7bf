import { hash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FixtureError } from '../../provider/fixtures/index.js';
import { clientsAcceptedBefore, readKeptFixtures, rememberClientsAccepted } from '../../provider/fixtures/kept-fixtures.js';
import { parseFixtures } from '../../provider/fixtures/parse.js';

const fixtureText = (n: number) => `users:\n  - email: User-${n}@Exempel.se\n    password: "Sommar2025!x"\n`;

describe('validated fixtures kept between starts', () => {
  const dirs: string[] = [];
  const cacheDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mvc-kept-fixtures-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const read = (text: string, dir: string, buildId = 'build-1') => readKeptFixtures(text, 'fixtures.yaml', { dir, buildId });

  it('gives what the validation gives (defaults filled, the e-mail domain in lower case), and reads a kept file back instead of validating again', async () => {
    const dir = cacheDir();
    const validated = parseFixtures(fixtureText(1), 'fixtures.yaml');
    expect(validated.users[0]!.email).toBe('User-1@exempel.se');
    expect(await read(fixtureText(1), dir)).toEqual(validated);
    const [name] = readdirSync(dir);
    // What a later start reads is the kept file: one changed behind its back is what it gets.
    writeFileSync(join(dir, name!), serialize({ fixtures: { ...validated, users: [] }, clientsAccepted: false }));
    expect((await read(fixtureText(1), dir)).users).toEqual([]);
  });

  it('validates a changed text, or the same text for another build, anew', async () => {
    const dir = cacheDir();
    await read(fixtureText(1), dir);
    expect((await read(fixtureText(2), dir)).users[0]!.email).toBe('User-2@exempel.se');
    expect(await read(fixtureText(1), dir, 'build-2')).toEqual(parseFixtures(fixtureText(1), 'fixtures.yaml'));
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('validates again when a kept file cannot be read back, and keeps it anew', async () => {
    const dir = cacheDir();
    await read(fixtureText(1), dir);
    const [name] = readdirSync(dir);
    const kept = join(dir, name!);
    const whole = readFileSync(kept);
    writeFileSync(kept, whole.subarray(0, -8));
    expect(await read(fixtureText(1), dir)).toEqual(parseFixtures(fixtureText(1), 'fixtures.yaml'));
    expect(readFileSync(kept)).toEqual(whole);
  });

  it("records that oidc-provider accepted the fixtures' clients for the later starts of the same text and build only", async () => {
    const dir = cacheDir();
    const first = await read(fixtureText(1), dir);
    expect(clientsAcceptedBefore(first)).toBe(false);
    expect(clientsAcceptedBefore(await read(fixtureText(1), dir))).toBe(false);
    rememberClientsAccepted(first);
    const later = await read(fixtureText(1), dir);
    expect(later).toEqual(first);
    expect(clientsAcceptedBefore(later)).toBe(true);
    expect(clientsAcceptedBefore(await read(fixtureText(2), dir))).toBe(false);
    expect(clientsAcceptedBefore(await read(fixtureText(1), dir, 'build-2'))).toBe(false);
    // Fixtures that were never kept have nothing to record it in: their clients are judged at every start.
    const unkept = await readKeptFixtures(fixtureText(3), 'fixtures.yaml', { dir, buildId: undefined });
    rememberClientsAccepted(unkept);
    expect(clientsAcceptedBefore(unkept)).toBe(false);
  });

  it('keeps nothing of fixtures that fail validation, and names the problem each time', async () => {
    const dir = cacheDir();
    const broken = 'users:\n  - email: not-an-address\n';
    await expect(read(broken, dir)).rejects.toThrow(FixtureError);
    await expect(read(broken, dir)).rejects.toThrow('users[0].email: must be an e-mail address');
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it('reports YAML that fails only when read (an alias to no anchor) as every YAML problem, and keeps nothing', async () => {
    const dir = cacheDir();
    await expect(read('users:\n  - email: *missing\n', dir)).rejects.toThrow('fixtures.yaml: is not valid YAML or JSON: Unresolved alias');
    await expect(read('users:\n  - email: *missing\n', dir)).rejects.toThrow(FixtureError);
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it('keeps the 32 most recently used files: one that every start reads survives a suite that writes many others', async () => {
    const dir = cacheDir();
    const keptFile = (n: number) => join(dir, `mock-visma-connect-fixtures-${hash('sha256', `build-1\n${fixtureText(n)}`, 'base64url')}.v8`);
    for (let n = 0; n < 32; n += 1) {
      await read(fixtureText(n), dir);
      const minutesAgo = new Date(Date.now() - (60 - n) * 60_000);
      utimesSync(keptFile(n), minutesAgo, minutesAgo);
    }
    await read(fixtureText(0), dir); // the oldest written, used again
    await read(fixtureText(32), dir);
    expect(readdirSync(dir)).toHaveLength(32);
    expect(existsSync(keptFile(0))).toBe(true);
    expect(existsSync(keptFile(1))).toBe(false);
  });

  it('keeps no more than the newest 32 files however many fixture texts a suite writes, and removes what earlier versions kept', async () => {
    const dir = cacheDir();
    writeFileSync(join(dir, 'mock-visma-connect-yaml-2.9.1-abc.v8'), 'kept by an earlier version');
    for (let n = 0; n < 40; n += 1) await read(fixtureText(n), dir);
    expect(readdirSync(dir)).toHaveLength(32);
    expect(readdirSync(dir).every((name) => name.startsWith('mock-visma-connect-fixtures-'))).toBe(true);
  });

  it('does not keep fixtures whose YAML has warnings, so each start shows them again', async () => {
    const dir = cacheDir();
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await read('users: !unknown-tag []\n', dir);
      await read('users: !unknown-tag []\n', dir);
      expect(warned).toHaveBeenCalledTimes(2);
      expect(String(warned.mock.calls[0]![0])).toContain('Unresolved tag: !unknown-tag');
    } finally {
      warned.mockRestore();
    }
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it('keeps nothing without a build id (the sources) or a cache directory', async () => {
    const dir = cacheDir();
    expect((await readKeptFixtures(fixtureText(1), 'fixtures.yaml', { dir, buildId: undefined })).users).toHaveLength(1);
    expect(readdirSync(dir)).toHaveLength(0);
    const home = cacheDir();
    const before = readdirSync(home);
    expect((await readKeptFixtures(fixtureText(1), join(home, 'fixtures.yaml'), { dir: undefined, buildId: 'build-1' })).users).toHaveLength(1);
    expect(readdirSync(home)).toEqual(before);
  });

  it('tells the code cache a file was validated and kept only when it was kept: a file with YAML warnings, validated at every start, is not', async () => {
    vi.resetModules(); // a process of its own: the module remembers what it validated
    const kept = await import('../../provider/fixtures/kept-fixtures.js');
    const dir = cacheDir();
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await kept.readKeptFixtures('users: !unknown-tag []\n', 'fixtures.yaml', { dir, buildId: 'build-1' });
    } finally {
      warned.mockRestore();
    }
    expect(kept.validatedAFixtureFileToKeep()).toBe(false);
    await kept.readKeptFixtures(fixtureText(1), 'fixtures.yaml', { dir, buildId: 'build-1' });
    expect(kept.validatedAFixtureFileToKeep()).toBe(true);
  });
});
