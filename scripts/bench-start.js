// `npm run bench:start`: where a start of the bin's script goes, phase by phase and module by module.
// Each run is a process of its own that starts the emulator as the bin does (bin/code-cache.js, with a
// code cache) from a copy of dist/provider/emulator.cjs whose esbuild module wrappers (__esm for ES
// modules, __commonJS for CommonJS) time each module's own evaluation, without the modules it
// evaluates first. Prints medians of BENCH_RUNS runs (9). The timing costs a little itself: compare
// modules and runs with each other, and take `npm run bench` for the start-up figure. Garbage collections
// (PerformanceObserver) are counted apart, not in the module that happened to fill the heap. Prints, never asserts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUIET_START } from '../bin/code-cache.js';
import { median } from './bench-support.js';
import { buildIfStale } from './build-if-stale.cjs';

const SCRIPT = fileURLToPath(new URL('../dist/provider/emulator.cjs', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TOP_MODULES = 20;

/** esbuild's module wrappers, as it writes them, and the same with a timer around each module's evaluation. */
const WRAPPERS = [
  [
    'var __esm=(fn2,res,err)=>function __init(){if(err)throw err[0];try{return fn2&&(res=(0,fn2[__getOwnPropNames(fn2)[0]])(fn2=0)),res}catch(e){throw err=[e],e}};',
    'var __esm=(fn2,res,err)=>function __init(){if(err)throw err[0];try{if(!fn2)return res;const name=__getOwnPropNames(fn2)[0];const f=fn2[name];fn2=0;return __timed(name,()=>res=(0,f)())}catch(e){throw err=[e],e}};',
  ],
  [
    'var __commonJS=(cb,mod2)=>function __require(){try{return mod2||(0,cb[__getOwnPropNames(cb)[0]])((mod2={exports:{}}).exports,mod2),mod2.exports}catch(e){throw mod2=0,e}};',
    'var __commonJS=(cb,mod2)=>function __require(){try{if(mod2)return mod2.exports;const name=__getOwnPropNames(cb)[0];return __timed(name,()=>((0,cb[name])((mod2={exports:{}}).exports,mod2),mod2.exports))}catch(e){throw mod2=0,e}};',
  ],
];
/** Records each module's evaluation as a frame (its name, when it began and ended, the frame it began in) in globalThis.__moduleFrames. */
const TIMER =
  'var __frames=globalThis.__moduleFrames=[],__open=[];var __timed=(name,run)=>{const frame={name,start:performance.now(),end:0,parent:__open.length?__open[__open.length-1]:-1};__open.push(__frames.push(frame)-1);try{return run()}finally{__open.pop();frame.end=performance.now()}};';

/** Milliseconds of the garbage collections `gcs` ([start, end] each) within [start, end]. */
const gcWithin = (gcs, start, end) => gcs.reduce((sum, [from, to]) => sum + Math.max(0, Math.min(to, end) - Math.max(from, start)), 0);

/**
 * Each module's own time: its frames less the frames of the modules it evaluated meanwhile, and less
 * the garbage collections that fell in it (a collection pauses whichever module happens to allocate
 * when the heap fills: counted apart, it would otherwise move from module to module between builds).
 */
function ownTimes(frames, gcs) {
  const own = frames.map(({ start, end }) => ({ ms: end - start, gc: gcWithin(gcs, start, end) }));
  for (const [index, { parent }] of frames.entries()) {
    if (parent === -1) continue;
    own[parent].ms -= own[index].ms;
    own[parent].gc -= own[index].gc;
  }
  const times = new Map();
  for (const [index, { name }] of frames.entries()) times.set(name, (times.get(name) ?? 0) + own[index].ms - own[index].gc);
  return times;
}

function timedSource() {
  let source = readFileSync(SCRIPT, 'latin1');
  for (const [written, timed] of WRAPPERS) {
    if (!source.includes(written)) throw new Error(`esbuild's module wrapper is not as this script expects (${written.slice(0, 20)}…): update WRAPPERS in scripts/bench-start.js`);
    source = source.replace(written, `${written === WRAPPERS[0][0] ? TIMER : ''}${timed}`);
  }
  return source;
}

/** One start in this process: the phases and each module's own time, printed as JSON. */
async function child(sourceFile, cacheFile) {
  const started = performance.now();
  const phases = {};
  let last = started;
  const phase = (name) => {
    const now = performance.now();
    phases[name] = now - last;
    last = now;
  };
  const { existsSync, writeFileSync } = await import('node:fs');
  const { createRequire, enableCompileCache } = await import('node:module');
  const { Script, constants } = await import('node:vm');
  enableCompileCache();
  const source = readFileSync(sourceFile, 'latin1');
  phase('read the script');
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  phase('read its code cache');
  // Named as the real script, so that it finds the package beside it as the bin's start does.
  const script = new Script(source, { filename: SCRIPT, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  phase('compile (from the code cache)');
  const gcs = [];
  const collections = new PerformanceObserver((list) => gcs.push(...list.getEntries().map(({ startTime, duration }) => [startTime, startTime + duration])));
  collections.observe({ entryTypes: ['gc'] });
  const evaluating = performance.now();
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(SCRIPT), module, SCRIPT, join(SCRIPT, '..'));
  phase('evaluate the modules');
  const evaluated = performance.now();
  const frames = [...globalThis.__moduleFrames];
  await module.exports.main([], { ...process.env, ...QUIET_START });
  phase('main, until ready');
  gcs.push(...collections.takeRecords().map(({ startTime, duration }) => [startTime, startTime + duration]));
  collections.disconnect();
  // As the bin does: a start that validated and kept the fixture file leaves the cache to the next.
  if (script.cachedDataRejected !== false && !module.exports.validatedAFixtureFileToKeep()) writeFileSync(cacheFile, script.createCachedData());
  const modules = [...ownTimes(frames, gcs), ['(garbage collection)', gcWithin(gcs, evaluating, evaluated)]];
  process.stderr.write(`${JSON.stringify({ phases, modules, codeCacheUsed: script.cachedDataRejected === false })}\n`);
  process.exit(0);
}

/** The part a module belongs to: a package, Node's built-ins, or our sources. */
function partOf(name) {
  if (name.startsWith('(')) return name;
  if (name.startsWith('builtin:')) return "Node's built-ins";
  const at = name.lastIndexOf('node_modules/');
  if (at === -1) return `ours: ${name.split('/').slice(0, 2).join('/')}`;
  const [scope, pkg] = name.slice(at + 'node_modules/'.length).split('/');
  return `package ${scope.startsWith('@') ? `${scope}/${pkg}` : scope}`;
}

async function main() {
  buildIfStale();
  const dir = mkdtempSync(join(tmpdir(), 'mvc-bench-start-'));
  try {
    const sourceFile = join(dir, 'emulator.timed.cjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(sourceFile, timedSource());
    const runs = [];
    for (let run = -2; run < RUNS; run += 1) {
      // Runs -2 and -1 keep the fixtures and write the code cache, and warm the file-system cache.
      const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', sourceFile, join(dir, 'emulator.timed.v8cache')], { encoding: 'utf8' });
      const line = result.stderr.split('\n').find((text) => text.startsWith('{'));
      if (result.status !== 0 || line === undefined) throw new Error(`a start failed (exit ${result.status}): ${result.stderr}`);
      if (run >= 0) runs.push(JSON.parse(line));
    }
    if (!runs.every((run) => run.codeCacheUsed)) process.stdout.write('note: V8 refused the code cache in some runs\n');
    const log = (ms, label) => process.stdout.write(`${ms.toFixed(1).padStart(8)} ms  ${label}\n`);
    process.stdout.write(`a start of dist/provider/emulator.cjs with each module's evaluation timed, medians of ${RUNS} runs (Node ${process.version})\n\nphases\n`);
    for (const name of Object.keys(runs[0].phases)) log(median(runs.map((run) => run.phases[name])), name);
    const perRun = runs.map((run) => new Map(run.modules));
    const names = [...new Set(runs.flatMap((run) => run.modules.map(([name]) => name)))];
    const moduleTime = (name) => median(perRun.map((times) => times.get(name) ?? 0));
    const parts = new Map();
    for (const run of perRun) {
      const sums = new Map();
      for (const [name, ms] of run) sums.set(partOf(name), (sums.get(partOf(name)) ?? 0) + ms);
      for (const [part, ms] of sums) parts.set(part, [...(parts.get(part) ?? []), ms]);
    }
    process.stdout.write(`\nevaluating the modules, by part (${names.length - 1} modules; garbage collection apart)\n`);
    for (const [part, values] of [...parts].sort((a, b) => median(b[1]) - median(a[1]))) if (median(values) >= 0.1) log(median(values), part);
    const topLevel = runs.map((run) => run.phases['evaluate the modules'] - run.modules.reduce((sum, [, ms]) => sum + ms, 0));
    log(median(topLevel), "the script's own top level (its functions made, esbuild's helpers)");
    process.stdout.write(`\nthe ${TOP_MODULES} modules that take longest to evaluate (their own code, without the modules they load or collections)\n`);
    const modules = names.filter((name) => !name.startsWith('('));
    for (const name of modules.sort((a, b) => moduleTime(b) - moduleTime(a)).slice(0, TOP_MODULES)) log(moduleTime(name), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();
