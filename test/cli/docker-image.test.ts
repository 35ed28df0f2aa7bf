import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { replayDockerfile, sh, type ReplayedImage } from '../support/dockerfile.js';
import { freePort } from '../support/redis-server.js';
import { clearPrefix, REDIS_URL, requireRedis, uniquePrefix } from '../support/redis.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO = 'scenarios/library/priority/seed-row-2-domain-optional-app-required.yaml';

interface ComposeService {
  build?: string;
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
const emulatorService = compose.services['mock-visma-connect']!;

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

/** Starts the image's CMD in its working directory, as a container would, with `env` over the image's ENV. */
async function startContainer(image: ReplayedImage, env: Record<string, string>) {
  const [command, ...args] = image.cmd;
  const child = spawn(command!, args, { cwd: image.workdir, env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH']}`, HOME: homedir(), ...image.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => /ready on /.test(stdout) && resolve());
    void exited.then(([code]) => reject(new Error(`the container's CMD exited with ${code}: ${stderr}`)));
  });
  return {
    stdout: () => stdout,
    async stop() {
      child.kill('SIGTERM');
      return (await exited)[0] as number | null;
    },
  };
}

describe('the Docker image, built and run without Docker (its Dockerfile replayed)', () => {
  let image: ReplayedImage;
  let into: string;
  beforeAll(async () => {
    into = mkdtempSync(join(tmpdir(), 'mvc-image-'));
    image = await replayDockerfile(ROOT, into);
  }, 300_000);
  // The replayed image holds a whole node_modules: removing it takes long on a loaded machine.
  afterAll(() => rmSync(into, { recursive: true, force: true }), 120_000);

  it('is built on a Node we support, runs the bin the package declares and exposes its two HTTP ports', () => {
    expect(Number(/^node:(\d+)/.exec(image.image)?.[1])).toBeGreaterThanOrEqual(22);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(image.cmd).toEqual(['node', pkg.bin['mock-visma-connect']]);
    expect(image.expose).toEqual([Number(image.env['PORT']), Number(image.env['PUBLIC_API_PORT'])]);
  });

  it('starts as its CMD does, passes its health check, and runs a library scenario against itself with the bin inside it', { timeout: 90_000 }, async () => {
    const port = await freePort(); // as `docker run -p`: the port the container listens on is published
    const env = { PORT: String(port), CONTROL_TOKEN: 'image-test-token' }; // beyond loopback the control plane needs a token
    const container = await startContainer(image, env);
    expect(container.stdout()).toContain(`ready on http://localhost:${port}`);

    const health = await sh(image.healthcheck!, image.workdir, { ...image.env, ...env });
    expect(health.code).toBe(0);

    // `docker exec <container> npx mock-visma-connect scenarios run … --url …`: the container's environment
    const run = await sh(`npx --offline mock-visma-connect scenarios run ${SCENARIO} --url http://127.0.0.1:${port}`, image.workdir, { ...image.env, ...env });
    expect(run.output).toMatch(/^1 passed, 0 failed/m);
    expect(run.code).toBe(0);
    expect(await container.stop()).toBe(0);
  });

  it('runs scenarios on emulators of its own inside the container, whatever the container environment says', { timeout: 90_000 }, async () => {
    const env = { ...image.env, ...emulatorService.environment };
    for (const parallel of ['1', '2']) {
      const run = await sh(`npx --offline mock-visma-connect scenarios run scenarios/library/faults --parallel ${parallel}`, image.workdir, env);
      expect(run.output, `--parallel ${parallel}`).toMatch(/^2 passed, 0 failed/m);
      expect(run.code).toBe(0);
    }
  });

  it('serves the issuer docker-compose.yml gives it, on Redis, with the compose environment (its Redis on this machine)', { timeout: 60_000 }, async () => {
    await requireRedis();
    const prefix = uniquePrefix();
    const port = await freePort();
    const environment = emulatorService.environment!;
    const container = await startContainer(image, { ...environment, PORT: String(port), REDIS_URL, REDIS_PREFIX: prefix, SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      const discovery = (await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(discovery.issuer).toBe(environment['ISSUER']);
      expect(container.stdout()).toContain('store      redis');
      const health = await sh(image.healthcheck!, image.workdir, { ...image.env, ...environment, PORT: String(port) });
      expect(health.code).toBe(0);
    } finally {
      await container.stop();
      await clearPrefix(prefix);
    }
  });
});

describe('docker-compose.yml', () => {
  const environment = emulatorService.environment!;

  it('runs the emulator from this Dockerfile, Redis and MailHog', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['mailhog', 'mock-visma-connect', 'redis']);
    expect(emulatorService.build).toBe('.');
    expect(environment).toMatchObject({ HOST: '0.0.0.0', STORE: 'redis', MAIL: 'smtp' });
  });

  it('publishes the port the emulator listens on at the issuer a browser on the host uses', () => {
    const [hostPort, containerPort] = emulatorService.ports![0]!.split(':');
    expect(containerPort).toBe(environment['PORT']);
    expect(new URL(environment['ISSUER']!).port).toBe(hostPort);
  });

  it('points the emulator at the Redis and MailHog services, and starts it once Redis answers (it refuses to start without)', () => {
    expect(new URL(environment['REDIS_URL']!)).toMatchObject({ hostname: 'redis', port: '6379' });
    expect(new URL(environment['SMTP_URL']!)).toMatchObject({ hostname: 'mailhog', port: '1025' });
    expect(emulatorService.depends_on).toMatchObject({ redis: { condition: 'service_healthy' }, mailhog: { condition: 'service_started' } });
    expect(compose.services['redis']!.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });
});
