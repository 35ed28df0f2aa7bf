// Shared by the benchmarks: the servers compared, started as processes of their own on loopback, and
// what is read of them from outside (/proc: CPU time and RSS; Node's inspector, woken by SIGUSR1, for
// a full garbage collection). Nothing here reaches into the product's code.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const script = (path) => join(ROOT, path);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The middle value; of an even count, the mean of the middle two. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const TICK_MS = 1000 / 100; // USER_HZ, 100 on Linux

/** CPU time (user + system) in ms from a /proc stat file. */
function cpuMsIn(statFile) {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
}

/**
 * CPU time (user + system) a process has used so far, in ms, all its threads and its main thread alone
 * (JavaScript runs there; the thread pool and V8's helpers run beside it), and its resident memory in MB.
 */
export function procStat(pid) {
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  return { cpuMs: cpuMsIn(`/proc/${pid}/stat`), mainThreadCpuMs: cpuMsIn(`/proc/${pid}/task/${pid}/stat`), rssMb };
}

let tempDir;
/** A file in this process's own temporary directory, which is removed when the process exits. */
function tempFile(name) {
  if (tempDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'mvc-bench-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    tempDir = dir;
  }
  return join(tempDir, name);
}

/** The peer takes our key too (it would otherwise generate one at start): same key, same work per token. */
function peerKeyFile() {
  const file = tempFile('key.json');
  const [key] = JSON.parse(readFileSync(script('fixtures/dev-signing-keys.json'), 'utf8')).keys;
  writeFileSync(file, JSON.stringify(key));
  return file;
}
let keyFile;

/**
 * oidc-provider alone (scripts/bench-oidc-floor.js) bundled as scripts/build.js bundles ours: one script
 * in the shape bin/code-cache.js runs, with the plugins that take out what a start does for nothing.
 * The floor of our stack's start-up: what is left of ours above it is our own.
 */
async function floorBundleOnce() {
  if (floorBundle) return;
  const [{ build }, plugins] = await Promise.all([import('esbuild'), import('./build-plugins.js')]);
  const outfile = tempFile('oidc-floor.cjs');
  await build({
    entryPoints: [script('scripts/bench-oidc-floor.js')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    plugins: plugins.STACK_PLUGINS,
    alias: { 'mime-types': script('node_modules/mime-types') },
    minifyWhitespace: true,
    charset: 'ascii',
    ...plugins.codeCacheScript,
    // It reads the key beside its source.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(script('scripts/bench-oidc-floor.js')).href) },
    logLevel: 'warning',
  });
  floorBundle = outfile;
}
let floorBundle;

/** The demo fixtures plus `count` password users on the 2FA-optional domain, bench-0@exempel.se …, for the sign-in runs. */
export async function benchFixtures(count) {
  const { parse, stringify } = await import('yaml');
  const fixtures = parse(readFileSync(script('fixtures/default.yaml'), 'utf8'));
  const template = fixtures.users.find((user) => user.email === 'maria.lindqvist@exempel.se');
  for (let i = 0; i < count; i += 1) fixtures.users.push({ ...template, email: `bench-${i}@exempel.se`, givenName: `Bench ${i}` });
  const file = tempFile(`fixtures-${count}.yaml`);
  writeFileSync(file, stringify(fixtures));
  return file;
}
const keyFileOnce = () => (keyFile ??= peerKeyFile());

const OURS_ENV = { LOG_LEVEL: 'error', SMTP_PORT: '0', MAIL_API_PORT: '0', PUBLIC_API_PORT: '0' };

/** In a process of its own: the testing library (or the peer's library) started in-process, as a test file does. */
const inProcess = (code) => ['--input-type=module', '-e', `${code}\nprocess.once('SIGTERM', () => process.exit(0));`];

/**
 * The same, with the process's own figure for `code` (which imports with import(), so that it covers
 * the import and the start): what a test file pays in a test runner's worker, which has paid Node's own
 * start before the first line already. Written on stdout as `IN_PROCESS_MS <ms>` once the start resolved.
 */
const timedInProcess = (code) => inProcess(`const begunAt = performance.now();\n${code}\nprocess.stdout.write(\`${IN_PROCESS_MS} \${performance.now() - begunAt}\\n\`);`);
const IN_PROCESS_MS = 'IN_PROCESS_MS';

/**
 * The servers compared: each a command line with `PORT` for the port to listen on, the path that
 * answers 200 once it is ready, and its token endpoint.
 */
export const TARGETS = {
  peer: {
    label: 'peer (oauth2-mock-server)',
    args: () => [script('node_modules/oauth2-mock-server/dist/oauth2-mock-server.mjs'), '-a', '127.0.0.1', '-p', 'PORT', '--jwk', keyFileOnce()],
    ready: '/.well-known/openid-configuration',
    tokenPath: '/token',
  },
  'peer-library': {
    label: 'peer, in-process (its library)',
    timedInProcess: true,
    args: () =>
      timedInProcess(
        `const { OAuth2Server } = await import('oauth2-mock-server'); const { readFileSync } = await import('node:fs'); const server = new OAuth2Server(); await server.issuer.keys.add(JSON.parse(readFileSync(${JSON.stringify(keyFileOnce())}, 'utf8'))); await server.start(PORT, '127.0.0.1');`,
      ),
    ready: '/.well-known/openid-configuration',
  },
  bare: {
    label: 'bare signer (node:http + node:crypto)',
    args: () => [script('scripts/bench-bare-signer.js'), '--port', 'PORT'],
    ready: '/healthz',
    tokenPath: '/token',
  },
  floor: {
    label: 'oidc-provider alone (dev interactions)',
    args: () => [script('scripts/bench-oidc-floor.js'), '--port', 'PORT'],
    ready: '/.well-known/openid-configuration',
    tokenPath: '/connect/token',
  },
  'floor-bundled': {
    label: 'oidc-provider alone, bundled as ours is',
    prepare: floorBundleOnce,
    args: () => [script('scripts/bench-oidc-floor-bundled.js'), floorBundle, '--port', 'PORT'],
    ready: '/.well-known/openid-configuration',
  },
  ours: {
    label: 'ours (bin)',
    args: () => [script('bin/mock-visma-connect.js'), '--port', 'PORT'],
    env: OURS_ENV,
    ready: '/healthz',
    tokenPath: '/connect/token',
  },
  'ours-no-catcher': {
    label: 'ours (bin), MAIL=smtp: no embedded catcher',
    args: () => [script('bin/mock-visma-connect.js'), '--port', 'PORT'],
    env: { ...OURS_ENV, MAIL: 'smtp', SMTP_URL: 'smtp://127.0.0.1:1' },
    ready: '/healthz',
  },
  ...(process.env.BENCH_BASELINE && {
    baseline: {
      label: `baseline (${process.env.BENCH_BASELINE})`,
      args: () => [process.env.BENCH_BASELINE, '--port', 'PORT'],
      env: OURS_ENV,
      ready: '/healthz',
      tokenPath: '/connect/token',
    },
  }),
  'ours-library': {
    label: 'ours, in-process (mock-visma-connect/testing)',
    timedInProcess: true,
    args: () => timedInProcess(`const { startMockVismaConnect } = await import('mock-visma-connect/testing'); await startMockVismaConnect({ settings: { port: PORT } });`),
    ready: '/healthz',
  },
};

/** One GET on loopback without keep-alive; resolves with the status, rejects when nothing listens. */
function probe(url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Starts a target and waits for the first 200 on its ready path. `readyMs` runs from just before the
 * process is spawned; CPU time and RSS are read at that moment. `inspect` lets `collectGarbage` wake
 * Node's inspector later (on a port of its own).
 */
export async function start(name, { env = {}, inspect = false } = {}) {
  const target = TARGETS[name];
  await target.prepare?.();
  const port = await freePort();
  const args = target.args().map((arg) => arg.replaceAll('PORT', String(port)));
  const started = performance.now();
  const child = spawn(process.execPath, [...(inspect ? ['--inspect-port=127.0.0.1:0'] : []), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...target.env, ...env },
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${target.label} exited with ${child.exitCode}: ${stderr}`);
    const status = await probe(`${url}${target.ready}`).catch(() => undefined);
    if (status === 200) break;
    await sleep(status === undefined ? 2 : 10);
  }
  const readyMs = performance.now() - started;
  const { cpuMs: readyCpuMs, rssMb: readyRssMb } = procStat(child.pid);
  const inProcessMs = target.timedInProcess ? await inProcessFigure(child, () => stdout, target.label) : undefined;
  return {
    name,
    label: target.label,
    url,
    pid: child.pid,
    readyMs,
    readyCpuMs,
    readyRssMb,
    inProcessMs,
    stats: () => procStat(child.pid),
    collectGarbage: () => collectGarbage(child, () => stderr),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The figure a timedInProcess target writes once its start resolved (which may come just after its first 200). */
async function inProcessFigure(child, stdout, label) {
  for (;;) {
    const figure = new RegExp(`^${IN_PROCESS_MS} (\\S+)$`, 'm').exec(stdout());
    if (figure) return Number(figure[1]);
    if (child.exitCode !== null) throw new Error(`${label} exited before it wrote ${IN_PROCESS_MS}`);
    await sleep(2);
  }
}

/**
 * A full garbage collection in the server through Node's inspector (SIGUSR1 opens it); resolves, once
 * done, with what the JavaScript heap then holds (MB) and the process's RSS.
 */
async function collectGarbage(child, stderr) {
  if (!/ws:\/\/\S+/.test(stderr())) process.kill(child.pid, 'SIGUSR1');
  while (!/ws:\/\/\S+/.test(stderr())) await sleep(10);
  const socket = new WebSocket(/ws:\/\/\S+/.exec(stderr())[0]);
  await once(socket, 'open');
  let id = 0;
  const call = (method) => {
    id += 1;
    const asked = id;
    const answered = new Promise((resolve) => socket.addEventListener('message', (event) => JSON.parse(event.data).id === asked && resolve(JSON.parse(event.data).result)));
    socket.send(JSON.stringify({ id: asked, method }));
    return answered;
  };
  try {
    await call('HeapProfiler.collectGarbage');
    const { usedSize } = await call('Runtime.getHeapUsage');
    return { heapMb: usedSize / 1024 / 1024, rssMb: procStat(child.pid).rssMb };
  } finally {
    socket.close();
  }
}

/**
 * Runs scripts/bench-load.js against `server` (a process of its own): after its warm-up, reads the
 * server's CPU time, lets it go, and reads the CPU time again when it reports. CPU ms per request
 * comes from the server's own /proc/<pid>/stat; `companionPid`'s CPU time (Redis's) is read alongside.
 */
export async function load(server, spec, { beforeMeasuring, companionPid } = {}) {
  const child = spawn(process.execPath, [script('scripts/bench-load.js'), JSON.stringify({ url: server.url, ...spec })], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const lines = [];
  let wake;
  child.stdout.on('data', (chunk) => {
    out += chunk;
    let i;
    while ((i = out.indexOf('\n')) !== -1) {
      lines.push(out.slice(0, i));
      out = out.slice(i + 1);
      wake?.();
    }
  });
  const next = async () => {
    while (lines.length === 0) {
      if (child.exitCode !== null) throw new Error(`the load generator exited with ${child.exitCode}`);
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return lines.shift();
  };
  if ((await next()) !== 'warm') throw new Error('the load generator did not warm up');
  await beforeMeasuring?.();
  const before = server.stats();
  const companionBefore = companionPid && procStat(companionPid).cpuMs;
  child.stdin.write('go\n');
  const result = JSON.parse(await next());
  const after = server.stats();
  const companionCpuMs = companionPid ? procStat(companionPid).cpuMs - companionBefore : 0;
  child.stdin.end();
  await once(child, 'exit');
  return { ...result, cpuMs: after.cpuMs - before.cpuMs, mainThreadCpuMs: after.mainThreadCpuMs - before.mainThreadCpuMs, companionCpuMs, cpuPerRequestMs: (after.cpuMs - before.cpuMs) / Math.max(1, result.done), rssMb: after.rssMb };
}

/** The root of the checkout a TARGETS entry's bin belongs to (ours, or BENCH_BASELINE's). */
export const checkoutOf = (name) => (name === 'baseline' ? join(process.env.BENCH_BASELINE, '..', '..') : ROOT);

/**
 * A new test process's first and second sign-in through the testing library of the checkout at `root`
 * (its own package, `mock-visma-connect/testing`, imported by a script run in it): the emulator
 * started in-process, then the demo user signed in to flex-hrm through the pages, up to verified
 * tokens, twice. Resolves with the process's own timings (ms): `startMs`, `firstMs`, `secondMs`.
 */
export async function signInsOfANewTestProcess(root) {
  const code = [
    "import { startMockVismaConnect } from 'mock-visma-connect/testing';",
    'const begun = performance.now();',
    'const idp = await startMockVismaConnect();',
    'const started = performance.now();',
    "await idp.signIn({ client: 'flex-hrm', user: 'maria.lindqvist@exempel.se' });",
    'const first = performance.now();',
    "await idp.signIn({ client: 'flex-hrm', user: 'maria.lindqvist@exempel.se' });",
    'const second = performance.now();',
    'await idp.close();',
    'console.log(JSON.stringify({ startMs: started - begun, firstMs: first - started, secondMs: second - first }));',
  ].join('\n');
  const child = spawn(process.execPath, inProcess(code), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'error' } });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const [exitCode] = await once(child, 'exit');
  if (exitCode !== 0) throw new Error(`the test process in ${root} exited with ${exitCode}`);
  return JSON.parse(out);
}
