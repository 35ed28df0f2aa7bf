// Shared by the benchmarks: start the built server on a free port and read its memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/mock-visma-connect.js', import.meta.url));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

export const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Starts the server with the embedded defaults plus `env`; resolves once /healthz answers 200. */
export async function startServer(env = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'error', SMTP_PORT: '0', MAIL_API_PORT: '0', PUBLIC_API_PORT: '0', ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      await sleep(5);
    }
  }
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Runs `task` in `concurrency` loops for `seconds`; counts successes and failures and keeps latencies. */
export async function load(task, { concurrency, seconds }) {
  const deadline = performance.now() + seconds * 1000;
  const latencies = [];
  let failures = 0;
  let firstError;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        try {
          await task();
          latencies.push(performance.now() - started);
        } catch (error) {
          failures += 1;
          firstError ??= error;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { done: latencies.length, failures, firstError, perSecond: latencies.length / seconds, p50: at(0.5), p95: at(0.95) };
}
