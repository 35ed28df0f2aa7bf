// Builds dist/ (scripts/build.js) only when a source is newer than the last build.
// The bin runs this on each start in a checkout: built-ins come from process.getBuiltinModule (an
// import would build a module namespace, reading every lazy export), and node:child_process only to build.
const { readdirSync, statSync } = process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');
const { fileURLToPath } = process.getBuiltinModule('node:url');

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = path.join(root, 'dist', '.build-stamp');

function newestSource() {
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json', path.join('scripts', 'build.js')].map((file) => path.join(root, file));
  for (const dir of ['provider', path.join('scenarios', 'runner')]) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(path.join(entry.parentPath, entry.name));
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
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
