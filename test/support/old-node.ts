import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A Node release older than the one we need: the one many machines still have. */
export const OLD_NODE_VERSION = '20.20.2';

/**
 * The directory holding that release's `node`, fetched once as the npm registry package
 * node-<platform>-<arch> (as .ci/run fetches Node 22) and kept in ~/.cache: no system install.
 */
export function oldNodeBin(version = OLD_NODE_VERSION): string {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const name = `node-${platform}-${process.arch}`;
  const cache = join(homedir(), '.cache', 'mock-visma-connect');
  const home = join(cache, `node-v${version}`);
  const bin = join(home, 'package', 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, `.node-v${version}-`));
  try {
    const tarball = execFileSync('npm', ['pack', '--prefer-offline', '--silent', `${name}@${version}`], { cwd: scratch, encoding: 'utf8' }).trim();
    execFileSync('tar', ['xzf', tarball], { cwd: scratch });
    rmSync(join(scratch, tarball));
    // Whole or not at all: an interrupted fetch never leaves half a release behind.
    renameSync(scratch, home);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return bin;
}
