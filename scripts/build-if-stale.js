// Builds dist/ (scripts/build.js) only when a source is newer than the last build.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');

function newestSource() {
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json', join('scripts', 'build.js')].map((file) => join(root, file));
  for (const dir of ['provider', join('scenarios', 'runner')]) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
    }
  }
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

function builtAt() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return 0;
  }
}

export function buildIfStale() {
  if (newestSource() <= builtAt()) return;
  process.stderr.write('mock-visma-connect: building (sources changed since the last build)\n');
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
