// `npm run bench [-- startup tokens sign-ins]`: ours side by side with the peer (oauth2-mock-server),
// a bare signer (the practical limit of this machine) and oidc-provider alone (the floor of our
// stack), in one run, so the ratios hold even on a busy machine. Prints figures, never asserts.
// BENCH_RUNS (cold starts per server, 10), BENCH_SECONDS (measured seconds per server, 10),
// BENCH_CONCURRENCY (token clients, 32), BENCH_BROWSERS (sign-in browsers, 16), REDIS_URL, and
// BENCH_BASELINE: the bin of another build (another checkout's bin/mock-visma-connect.js) to measure
// beside ours in the same run, a column of its own.
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { benchFixtures, checkoutOf, load, median, signInsOfANewTestProcess, sleep, start, TARGETS } from './bench-support.js';
import { deleteRedisPrefix, localRedisPid } from './redis-prefix.js';
import { buildIfStale } from './build-if-stale.cjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BROWSERS = Number(process.env.BENCH_BROWSERS ?? 16);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = 2; // each server is loaded in turns, so a burst of other work on the machine hits all of them
/**
 * The servers of a turn, in the order they take it: the second turn goes backwards, so that no server
 * always follows the same one (a server loaded right after a Redis run measured slower than alone).
 */
const turnOrder = (servers, round) => (round % 2 === 0 ? servers : [...servers].reverse());
const SECTIONS = ['startup', 'tokens', 'sign-ins'];
const BASELINE = 'baseline' in TARGETS ? ['baseline'] : [];
const asked = process.argv.slice(2);
for (const section of asked) if (!SECTIONS.includes(section)) throw new Error(`unknown section ${section}; the sections are ${SECTIONS.join(', ')}`);
const sections = asked.length ? asked : SECTIONS;

const load1 = () => loadavg()[0].toFixed(1);
const log = (line) => process.stdout.write(`${line}\n`);
const figures = {};

async function startup() {
  const names = ['peer', 'peer-library', 'bare', 'floor', 'floor-bundled', ...BASELINE, 'ours', 'ours-no-catcher', 'ours-library'];
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let run = -1; run < RUNS; run += 1) {
    for (const name of names) {
      const server = await start(name);
      await server.stop();
      if (run >= 0) runs[name].push(server); // run -1 warms the file-system and compile caches
    }
  }
  log(`\ncold start, process start → first 200, median of ${RUNS} runs taken in turns`);
  for (const name of names) {
    const at = (key) => median(runs[name].map((r) => r[key]));
    figures[name] = { readyMs: at('readyMs'), readyCpuMs: at('readyCpuMs'), readyRssMb: at('readyRssMb'), inProcessMs: TARGETS[name].timedInProcess ? at('inProcessMs') : undefined };
    const inProcess = TARGETS[name].timedInProcess ? `   in the process, import → ready ${fmt(at('inProcessMs'), 'ms')}` : '';
    log(`  ${TARGETS[name].label.padEnd(48)} ${fmt(at('readyMs'), 'ms')}   CPU ${fmt(at('readyCpuMs'), 'ms')}   RSS ${fmt(at('readyRssMb'), 'MB')}${inProcess}`);
  }
  await firstSignIns();
}

/**
 * What a test file pays before its first assertion: a new process's in-process start and first sign-in
 * through the testing library (ours and the baseline's; the peer has no sign-in pages), and the second
 * sign-in, which finds everything loaded and compiled.
 */
async function firstSignIns() {
  const names = [...BASELINE, 'ours'];
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let run = -1; run < RUNS; run += 1) {
    for (const name of names) {
      const timings = await signInsOfANewTestProcess(checkoutOf(name));
      if (run >= 0) runs[name].push(timings);
    }
  }
  log(`
a new test process: the testing library's in-process start, then its first and second sign-in (pages and verified tokens), median of ${RUNS} processes taken in turns`);
  for (const name of names) {
    const at = (key) => median(runs[name].map((r) => r[key]));
    Object.assign((figures[`${name}-library-sign-in`] ??= {}), { startMs: at('startMs'), firstSignInMs: at('firstMs'), secondSignInMs: at('secondMs') });
    log(`  ${(name === 'ours' ? 'ours' : TARGETS[name].label).padEnd(48)} start ${fmt(at('startMs'), 'ms')}   first sign-in ${fmt(at('firstMs'), 'ms')}   second ${fmt(at('secondMs'), 'ms')}`);
  }
}

async function tokens() {
  const names = ['peer', 'bare', 'floor', ...BASELINE, 'ours'];
  const servers = [];
  for (const name of names) servers.push(await start(name));
  const totals = new Map(names.map((name) => [name, noTurnsYet()]));
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const server of turnOrder(servers, round)) {
        const r = await load(server, { workload: 'tokens', tokenPath: TARGETS[server.name].tokenPath, concurrency: CONCURRENCY, seconds: SECONDS / ROUNDS });
        addTurn(totals.get(server.name), r);
        if (r.firstError) log(`  ${server.label}: first failure: ${r.firstError}`);
      }
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  log(`\nclient_credentials access tokens (RS256 JWT), ${CONCURRENCY} concurrent clients, ${SECONDS} s per server in ${ROUNDS} turns`);
  for (const server of servers) {
    const t = totals.get(server.name);
    const perSecond = (t.done * 1000) / t.ms;
    const cpuPerToken = t.cpuMs / Math.max(1, t.done);
    Object.assign((figures[server.name] ??= {}), { tokensPerSecond: perSecond, cpuPerTokenMs: cpuPerToken });
    log(`  ${server.label.padEnd(48)} ${fmt(perSecond, 'tokens/s')}   server CPU ${cpuPerToken.toFixed(2)} ms/token   p50 ${median(t.p50).toFixed(1)} ms   p95 ${median(t.p95).toFixed(1)} ms   tokens ${t.done}   failed ${t.failures}`);
  }
}

async function signIns() {
  const FIXTURES = await benchFixtures(BROWSERS);
  const runs = [{ key: 'floor-sign-in', name: 'floor', workload: 'floor-sign-in', env: {} }];
  for (const name of [...BASELINE, 'ours']) {
    runs.push({ key: `${name}-memory`, name, workload: 'sign-in', env: { STORE: 'memory', FIXTURES } });
    runs.push({ key: `${name}-redis`, name, workload: 'sign-in', env: { STORE: 'redis', FIXTURES, REDIS_URL, REDIS_PREFIX: `mvc-bench:${randomUUID().slice(0, 8)}:` } });
  }
  log(`\nfull password sign-ins (pages + code exchange), ${BROWSERS} concurrent browsers, ${SECONDS} s per server in ${ROUNDS} turns; RSS after a full GC`);
  const redisPid = await localRedisPid(REDIS_URL);
  const servers = [];
  try {
    for (const run of runs) servers.push({ run, server: await start(run.name, { env: run.env, inspect: true }), ...noTurnsYet(), before: undefined });
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const entry of turnOrder(servers, round)) {
        const r = await load(
          entry.server,
          // The first turn warms each server up and takes its memory after a full GC; the later turns go on from there.
          { workload: entry.run.workload, concurrency: BROWSERS, seconds: SECONDS / ROUNDS, warmupSeconds: round === 0 ? 2 : 0 },
          {
            beforeMeasuring: async () => {
              if (round === 0) entry.before = await entry.server.collectGarbage();
            },
            companionPid: entry.run.env.STORE === 'redis' ? redisPid : undefined,
          },
        );
        addTurn(entry, r);
      }
    }
    await sleep(200);
    for (const { run, server, done, ms, cpuMs, mainThreadCpuMs, loadCpuMs, companionCpuMs, failures, p50, p95, firstError, before } of servers) {
      const after = await server.collectGarbage();
      const perSecond = (done * 1000) / ms;
      const cpuPerSignInMs = cpuMs / Math.max(1, done);
      const mainThreadCpuPerSignInMs = mainThreadCpuMs / Math.max(1, done);
      const loadCpuPerSignInMs = loadCpuMs / Math.max(1, done);
      const redisCpuPerSignInMs = companionCpuMs / Math.max(1, done);
      // What this machine could reach at this CPU a sign-in: the main thread runs all the JavaScript, and
      // the server's threads, the load generator and a local Redis share the cores.
      const ceiling = Math.min(1000 / mainThreadCpuPerSignInMs, (availableParallelism() * 1000) / (cpuPerSignInMs + loadCpuPerSignInMs + redisCpuPerSignInMs));
      const perSignIn = (mb) => `${((mb * 1024) / Math.max(1, done)).toFixed(1)} KB a sign-in`;
      figures[run.key] = { signInsPerSecond: perSecond, cpuPerSignInMs, mainThreadCpuPerSignInMs, ceiling, rssBeforeMb: before.rssMb, rssAfterMb: after.rssMb, heapBeforeMb: before.heapMb, heapAfterMb: after.heapMb };
      const label = run.name === 'floor' ? TARGETS.floor.label : `${run.name}, ${run.env.STORE} store`;
      log(`  ${label.padEnd(48)} ${fmt(perSecond, 'sign-ins/s')}   server CPU ${cpuPerSignInMs.toFixed(1)} ms/sign-in   p50 ${median(p50).toFixed(0)} ms   p95 ${median(p95).toFixed(0)} ms   sign-ins ${done}   failed ${failures}`);
      log(
        `  ${''.padEnd(48)} CPU a sign-in: server ${cpuPerSignInMs.toFixed(1)} ms, of it its main thread ${mainThreadCpuPerSignInMs.toFixed(1)} ms; load generator ${loadCpuPerSignInMs.toFixed(1)} ms${run.env.STORE === 'redis' ? `; Redis ${redisPid ? `${redisCpuPerSignInMs.toFixed(1)} ms` : 'not on this machine, not counted'}` : ''}; this machine's ceiling at that CPU ${fmt(ceiling, 'sign-ins/s')}`,
      );
      log(
        `  ${''.padEnd(48)} after a full GC: RSS ${before.rssMb.toFixed(0)} → ${after.rssMb.toFixed(0)} MB (${perSignIn(after.rssMb - before.rssMb)}), JS heap ${before.heapMb.toFixed(1)} → ${after.heapMb.toFixed(1)} MB (${perSignIn(after.heapMb - before.heapMb)})`,
      );
      if (firstError) log(`    first failure: ${String(firstError)}`);
    }
  } finally {
    for (const { run, server } of servers) {
      await server.stop();
      if (run.env.REDIS_PREFIX) await deleteRedisPrefix(REDIS_URL, run.env.REDIS_PREFIX);
    }
  }
}

/** A server's totals before its first turn. */
const noTurnsYet = () => ({ done: 0, ms: 0, cpuMs: 0, mainThreadCpuMs: 0, loadCpuMs: 0, companionCpuMs: 0, failures: 0, p50: [], p95: [], firstError: undefined });

/** Adds one turn's results (scripts/bench-load.js, through `load`) to a server's totals. */
function addTurn(total, turn) {
  total.done += turn.done;
  total.ms += turn.ms;
  total.cpuMs += turn.cpuMs;
  total.mainThreadCpuMs += turn.mainThreadCpuMs;
  total.loadCpuMs += turn.loadCpuMs;
  total.companionCpuMs += turn.companionCpuMs;
  total.failures += turn.failures;
  total.p50.push(turn.p50);
  total.p95.push(turn.p95);
  total.firstError ??= turn.firstError;
}

function fmt(value, unit) {
  if (value === undefined) return '–';
  return `${value >= 10 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)} ${unit}`;
}

/**
 * The summary, as a Markdown table: each figure for each server, ours against the peer, the bare signer
 * (the limit of this machine) and oidc-provider alone (the floor of our stack; for start-up, bundled and
 * run as ours is).
 */
function summary() {
  const f = (key, field) => figures[key]?.[field];
  const ratio = (a, b) => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
  const baseline = BASELINE.length > 0;
  const row = (cells) => log(`| ${cells.filter((cell) => cell !== undefined).join(' | ')} |`);
  row(['figure', 'peer', 'bare signer', 'oidc-provider alone', baseline ? 'baseline' : undefined, 'ours', 'ours ÷ peer', 'ours ÷ bare', 'ours ÷ oidc-provider alone', baseline ? 'ours ÷ baseline' : undefined, 'goal']);
  row(['---', '---', '---', '---', baseline ? '---' : undefined, '---', '---', '---', '---', baseline ? '---' : undefined, '---']);
  const figureRow = (title, { peer, bare, floor, base, ours, goal, unit }) => {
    const v = (value) => (value === undefined ? '–' : fmt(value, unit).trim());
    row([title, v(peer), v(bare), v(floor), baseline ? v(base) : undefined, v(ours), ratio(ours, peer), ratio(ours, bare), ratio(ours, floor), baseline ? ratio(ours, base) : undefined, goal]);
  };
  // Start-up is compared with oidc-provider bundled as ours is; tokens with oidc-provider as it comes.
  const serverRows = [
    ['cold start, process start → first 200', 'readyMs', 'ms', '≤ 1.0× the peer', 'floor-bundled'],
    ['CPU until ready', 'readyCpuMs', 'ms', '', 'floor-bundled'],
    ['client_credentials tokens/s, 32 concurrent', 'tokensPerSecond', '', '≥ 1.5× the peer', 'floor'],
    ['server CPU per token', 'cpuPerTokenMs', 'ms', '≤ 0.5 ms', 'floor'],
    ['RSS when ready', 'readyRssMb', 'MB', '≤ 80 MB', 'floor-bundled'],
  ];
  for (const [title, field, unit, goal, floor] of serverRows) {
    figureRow(title, { peer: f('peer', field), bare: f('bare', field), floor: f(floor, field), base: f('baseline', field), ours: f('ours', field), goal, unit });
  }
  figureRow('in-process start (the libraries), process start → first 200', { peer: f('peer-library', 'readyMs'), bare: f('bare', 'readyMs'), floor: f('floor-bundled', 'readyMs'), ours: f('ours-library', 'readyMs'), goal: '', unit: 'ms' });
  figureRow('same, in the test process: import → ready', { peer: f('peer-library', 'inProcessMs'), ours: f('ours-library', 'inProcessMs'), goal: 'well under the peer', unit: 'ms' });
  figureRow("a new test process's first sign-in (testing library)", { base: f('baseline-library-sign-in', 'firstSignInMs'), ours: f('ours-library-sign-in', 'firstSignInMs'), goal: '', unit: 'ms' });
  for (const [title, store, goal] of [
    ['full password sign-ins/s (pages + code exchange), memory', 'memory', '≥ 400'],
    ['same, Redis', 'redis', '≥ 300'],
  ]) {
    const floor = f('floor-sign-in', 'signInsPerSecond');
    figureRow(title, { floor, base: f(`baseline-${store}`, 'signInsPerSecond'), ours: f(`ours-${store}`, 'signInsPerSecond'), goal, unit: '' });
  }
  for (const [title, store, field, unit] of [
    ['server CPU per sign-in, memory', 'memory', 'cpuPerSignInMs', 'ms'],
    ['same, Redis', 'redis', 'cpuPerSignInMs', 'ms'],
    ["of it the server's main thread, memory", 'memory', 'mainThreadCpuPerSignInMs', 'ms'],
    ['same, Redis', 'redis', 'mainThreadCpuPerSignInMs', 'ms'],
    ["this machine's ceiling at that CPU (sign-ins/s), memory", 'memory', 'ceiling', ''],
    ['same, Redis', 'redis', 'ceiling', ''],
  ]) {
    const floor = f('floor-sign-in', field);
    figureRow(title, { floor, base: f(`baseline-${store}`, field), ours: f(`ours-${store}`, field), goal: '', unit });
  }
  const growth = (key, field) => (figures[key] ? `${fmt(f(key, `${field}BeforeMb`), '').trim()} → ${fmt(f(key, `${field}AfterMb`), 'MB')}` : '–');
  for (const [title, key, field, goal] of [
    [`RSS after ${SECONDS} s of sign-ins (after GC), memory`, 'memory', 'rss', 'flat (≤ +10 MB)'],
    ['same, Redis', 'redis', 'rss', ''],
    [`JS heap after ${SECONDS} s of sign-ins (after GC), memory`, 'memory', 'heap', ''],
    ['same, Redis', 'redis', 'heap', ''],
  ]) {
    row([title, '–', '–', growth('floor-sign-in', field), baseline ? growth(`baseline-${key}`, field) : undefined, growth(`ours-${key}`, field), '–', '–', '–', baseline ? '–' : undefined, goal]);
  }
  log('\n"oidc-provider alone": for start-up, bundled by our build\'s plugins and run with a code cache as ours is (unbundled in the start-up section); for tokens and sign-ins, as it comes.');
}

buildIfStale();
log(`mock-visma-connect benchmark: Node ${process.version}, ${availableParallelism()} cores, load average ${load1()} at start`);
if (sections.includes('startup')) await startup();
if (sections.includes('tokens')) await tokens();
if (sections.includes('sign-ins')) await signIns();
summary();
log(`\nload average ${load1()} at the end; on a busy machine compare the ratios, not the absolute figures`);
