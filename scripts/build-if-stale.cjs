// Builds dist/ (scripts/build.js) only when a source is newer than the last build.
// The bin runs this on each start in a checkout, so it is CommonJS as the bin is (bin/package.json):
// no ES module loader for it; node:child_process is loaded only to build.
// The build's stamp (dist/.build-stamp) lists the sources it was built from, directories included (a
// file added or removed changes its directory's time): a start stats those (~3 ms) instead of listing
// the tree again and statting it (~12 ms).
const { readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', path.sep);
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
  path.join('scripts', 'build-if-stale.cjs'),
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
function writeBuildStamp({ startedAt = Date.now(), root = ROOT } = {}) {
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

/**
 * Whether `root`'s dist/ needs a build: no stamp, or a listed source changed or went away since. The
 * stamp's paths are relative and normalised (scripts/build.js wrote them), so each is appended to the
 * root as it is: path.join normalised each of the ~280 again, half the check's time.
 */
function isStale(root = ROOT) {
  const stamp = readStamp(root);
  const base = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  return stamp === undefined || stamp.sources.some((source) => (statSync(`${base}${source}`, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > stamp.builtAtMs);
}

/** Runs scripts/build.js in a process of its own, as `npm run build` does; exits with its status when it fails. */
function build() {
  process.stderr.write('mock-visma-connect: building (sources changed since the last build)\n');
  const { spawnSync } = require('node:child_process');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function buildIfStale() {
  if (isStale()) build();
}

module.exports = { writeBuildStamp, isStale, buildIfStale };
