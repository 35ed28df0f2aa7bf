// Files kept between starts in Node's compile cache directory: the bin's code cache (./code-cache.js)
// and the validated fixtures (provider/fixtures/kept-fixtures.ts). Several processes may start at once
// and share the directory; a file that cannot be written or removed only costs the next start its work.
const { readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/** Written whole or not at all: to a name of its own (worker threads share their process's id), then renamed. */
function writeQuietly(file, data) {
  const partial = `${file}.${process.pid}-${Math.random().toString(16).slice(2, 14)}`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch {
    // read-only or full: the next start does the work again
  }
}

/** Removes all but the `keep` files of `dir` that `kind` names with the latest modification times; what cannot be read or removed stays. */
function keepNewest(dir, kind, keep) {
  try {
    const files = readdirSync(dir).filter(kind);
    if (files.length <= keep) return;
    const dated = files.map((name) => ({ file: path.join(dir, name), at: statSync(path.join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }));
    for (const { file } of dated.sort((a, b) => b.at - a.at).slice(keep)) rmSync(file, { force: true });
  } catch {
    // another process is pruning too, or the directory cannot be read: the next write tries again
  }
}

module.exports = { writeQuietly, keepNewest };
