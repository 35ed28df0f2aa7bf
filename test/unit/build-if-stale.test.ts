import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isStale, writeBuildStamp } from '../../scripts/build-if-stale.cjs';

// A checkout in miniature: what a build reads, and the stamp a build leaves in dist/.
describe("a checkout's staleness check before `npm start` and the bin run the build", () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

  function builtCheckout(): string {
    const root = mkdtempSync(join(tmpdir(), 'mvc-checkout-'));
    roots.push(root);
    for (const dir of ['provider/login', 'scenarios/runner', 'scripts', 'dist']) mkdirSync(join(root, dir), { recursive: true });
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.js', 'provider/server.ts', 'provider/login/routes.ts', 'scenarios/runner/index.ts'])
      writeFileSync(join(root, file), '// source\n');
    const past = new Date(Date.now() - 60_000);
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'scripts/build.js',
      'provider',
      'provider/login',
      'provider/login/routes.ts',
      'provider/server.ts',
      'scenarios/runner',
      'scenarios/runner/index.ts',
    ]) {
      utimesSync(join(root, path), past, past);
    }
    writeBuildStamp({ root });
    return root;
  }

  it('finds nothing to build right after a build', () => {
    expect(isStale(builtCheckout())).toBe(false);
  });

  it('builds when a source was edited in place, one was added to a directory, or one was removed', () => {
    const edited = builtCheckout();
    utimesSync(join(edited, 'provider/login/routes.ts'), new Date(), new Date(Date.now() + 1000));
    expect(isStale(edited)).toBe(true);

    const added = builtCheckout();
    writeFileSync(join(added, 'provider/login/new-route.ts'), '// new\n');
    utimesSync(join(added, 'provider/login'), new Date(), new Date(Date.now() + 1000));
    expect(isStale(added)).toBe(true);

    const removed = builtCheckout();
    rmSync(join(removed, 'provider/server.ts'));
    expect(isStale(removed)).toBe(true);
  });

  it('builds when the lock file changed (npm install or update: the bundled packages), or a source was saved while the last build ran', () => {
    const installed = builtCheckout();
    utimesSync(join(installed, 'package-lock.json'), new Date(), new Date(Date.now() + 1000));
    expect(isStale(installed)).toBe(true);

    const savedDuringBuild = builtCheckout();
    writeBuildStamp({ root: savedDuringBuild, startedAt: Date.now() - 5000 });
    expect(isStale(savedDuringBuild)).toBe(false);
    utimesSync(join(savedDuringBuild, 'provider/server.ts'), new Date(), new Date(Date.now() - 2000));
    expect(isStale(savedDuringBuild)).toBe(true);
  });

  it('builds when there is no stamp, or one from a build before stamps listed their sources', () => {
    const root = builtCheckout();
    writeFileSync(join(root, 'dist', '.build-stamp'), '2026-11-29T10:00:00.000Z\n');
    expect(isStale(root)).toBe(true);
    rmSync(join(root, 'dist', '.build-stamp'));
    expect(isStale(root)).toBe(true);
  });
});
