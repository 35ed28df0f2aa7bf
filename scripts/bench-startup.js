// `npm run bench:startup`: cold start of the built server, from process start to the first 200 on
// /healthz, and its resident memory once ready and after a second of idling. Prints figures only.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.js';

const RUNS = Number(process.env.RUNS ?? 10);
const BIN = fileURLToPath(new URL('../bin/mock-visma-connect.js', import.meta.url));

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function once() {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, '--port', String(port)], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'error', SMTP_PORT: '0', MAIL_API_PORT: '0', PUBLIC_API_PORT: '0' } });
  let readyMs;
  while (readyMs === undefined) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.status === 200) readyMs = performance.now() - started;
    } catch {
      await sleep(2);
    }
  }
  const readyRss = rssMb(child.pid);
  await sleep(1000);
  const idleRss = rssMb(child.pid);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { readyMs, readyRss, idleRss };
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) };
};
const fmt = ({ min, median, max }, unit) => `median ${median.toFixed(0)} ${unit} (min ${min.toFixed(0)}, max ${max.toFixed(0)})`;

buildIfStale();
await once(); // warm the file-system cache; not counted
const results = [];
for (let i = 0; i < RUNS; i += 1) results.push(await once());
console.log(`cold start (process start to first 200 on /healthz), ${RUNS} runs, Node ${process.version}`);
console.log(`  time to ready   ${fmt(stats(results.map((r) => r.readyMs)), 'ms')}`);
console.log(`  RSS when ready  ${fmt(stats(results.map((r) => r.readyRss)), 'MB')}`);
console.log(`  RSS idle (1 s)  ${fmt(stats(results.map((r) => r.idleRss)), 'MB')}`);
