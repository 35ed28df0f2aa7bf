// Builds dist/ (scripts/build.js) only when a source is newer than the last build.
// The bin runs this on each start in a checkout: built-ins come from process.getBuiltinModule (an
// import would build a module namespace, reading every lazy export), and node:child_process only to build.
// The build's stamp (dist/.build-stamp) lists the sources it was built from, directories included (a
// file added or removed changes its directory's time): a start stats those (~3 ms) instead of listing
// the tree again and statting it (~12 ms).
const { readdirSync, readFileSync, statSync, writeFileSync } = process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');
const { fileURLToPath } = process.getBuiltinModule('node:url');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = path.join('dist', '.build-stamp');
// The lock files change when the bundled packages do (npm install, npm update); the ones a checkout lacks are not listed.
const SOURCE_FILES = [
  'package.json',
  'package-lock.json',
  path.join('node_modules', '.package-lock.json'),
  'tsconfig.json',
  'tsconfig.build.json',
  path.join('scripts', 'build.js'),
  path.join('scripts', 'build-plugins.js'),
  path.join('scripts', 'build-if-stale.js'),
];
const SOURCE_DIRS = ['provider', path.join('scenarios', 'runner')];

/** Every source a build reads, relative to `root`: the files above and the trees, each directory and file. */
function sources(root) {
  const found = SOURCE_FILES.filter((file) => statSync(path.join(root, file), { throwIfNoEntry: false }) !== undefined);
  for (const dir of SOURCE_DIRS) {
    found.push(dir);
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() || entry.isDirectory()) found.push(path.relative(root, path.join(entry.parentPath, entry.name)));
    }
  }
  return found;
}

/**
 * Written by scripts/build.js once dist/ is complete: when the build started (a source saved during
 * the build is newer than that, so the next start builds again) and the sources it listed.
 */
export function writeBuildStamp({ startedAt = Date.now(), root = ROOT } = {}) {
  writeFileSync(path.join(root, STAMP), `${JSON.stringify({ builtAt: new Date(startedAt).toISOString(), sources: sources(root) })}\n`);
}

/** The stamp's time and sources, or undefined when there is no readable stamp (no build, or one from before stamps listed sources). */
function readStamp(root) {
  try {
    const { builtAt, sources } = JSON.parse(readFileSync(path.join(root, STAMP), 'utf8'));
    const builtAtMs = Date.parse(builtAt);
    return Array.isArray(sources) && !Number.isNaN(builtAtMs) ? { builtAtMs, sources } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `root`'s dist/ needs a build: no stamp, or a listed source changed or went away since. */
export function isStale(root = ROOT) {
  const stamp = readStamp(root);
  return stamp === undefined || stamp.sources.some((source) => (statSync(path.join(root, source), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > stamp.builtAtMs);
}

/** Runs scripts/build.js in a process of its own, as `npm run build` does; exits with its status when it fails. */
function build() {
  process.stderr.write('mock-visma-connect: building (sources changed since the last build)\n');
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

export function buildIfStale() {
  if (isStale()) build();
}
