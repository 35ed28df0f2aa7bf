import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { writeFixtures } from '../support/emulator.js';
import { freePort } from '../support/redis-server.js';
import { clearPrefix, REDIS_URL, requireRedis, uniquePrefix } from '../support/redis.js';

const START = fileURLToPath(new URL('../../scripts/start.js', import.meta.url));
const running: ChildProcess[] = [];

/** Runs `npm start`'s script (it builds dist/ when the sources are newer) with the given env. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [START, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', SMTP_PORT: '0', MAIL_API_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /ready on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  ready.catch(() => {}); // tests of a refused start await `exited` instead
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

describe('starting the server from the command line', () => {
  it('starts on the port it is given (0: a free one), prints the real URLs, answers /healthz, and stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
    const server = start(['--port', '0']);
    const url = await server.ready;
    const port = new URL(url).port;
    expect(port).not.toBe('0');
    expect(server.output().stdout).toContain(`issuer     http://localhost:${port}\n`);
    expect(server.output().stdout).toContain(`discovery  http://localhost:${port}/.well-known/openid-configuration`);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(`http://localhost:${port}`);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('announces ISSUER as the issuer, with endpoints on the host the caller used', { timeout: 60_000 }, async () => {
    const server = start([], { PORT: '0', ISSUER: 'http://idp.hrm.test:5080' });
    const url = await server.ready;
    const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string; token_endpoint: string };
    expect(discovery).toMatchObject({ issuer: 'http://idp.hrm.test:5080', token_endpoint: `${url}/connect/token` });
  });

  it('refuses a bad setting with one line naming it and the accepted values', { timeout: 60_000 }, async () => {
    const server = start([], { PORT: 'abc' });
    expect(await server.exited).toBe(2);
    expect(server.output().stderr.trim().split('\n').at(-1)).toBe('mock-visma-connect: PORT="abc" is not valid: PORT must be a port number from 0 to 65535');
  });

  it('refuses a bad fixture file with one line naming the file, the path and the reason', { timeout: 60_000 }, async () => {
    const path = writeFixtures({ clients: [{ clientId: 'x', twoFactor: 'never', redirectUris: ['http://localhost/cb'] }] });
    const server = start(['--port', '0', '--fixtures', path]);
    expect(await server.exited).toBe(2);
    expect(server.output().stderr.trim().split('\n').at(-1)).toBe(`mock-visma-connect: ${path}: clients[0].twoFactor: must be one of default, bypass, adaptive, required`);
  });

  it('refuses to start when Redis does not answer, in one line', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const server = start(['--port', '0', '--store', 'redis'], { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(await server.exited).toBe(2);
    expect(server.output().stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^mock-visma-connect: Redis at redis://127\\.0\\.0\\.1:${port} does not answer \\(.+\\); start Redis or use STORE=memory$`),
    );
  });

  it('refuses a port that is taken, saying so', { timeout: 60_000 }, async () => {
    const first = start(['--port', '0']);
    const port = new URL(await first.ready).port;
    const second = start(['--port', port]);
    expect(await second.exited).toBe(2);
    expect(second.output().stderr).toContain(`mock-visma-connect: PORT ${port} on 127.0.0.1 is already in use (set PORT, or 0 for a free one)`);
  });
});

describe('the scenario runner from the command line', () => {
  it('runs the whole library on two emulators of its own and writes JUnit', { timeout: 120_000 }, async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'mvc-junit-')), 'out.xml');
    const run = start(['scenarios', 'run', 'scenarios/library', '--parallel', '2', '--junit', junit]);
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toMatch(/^(\d+) passed, 0 failed \(\1 scenarios in [\d.]+ s\)$/m);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="mock-visma-connect scenarios" tests="(\d+)" failures="0"/);
    expect((xml.match(/<testcase /g) ?? []).length).toBeGreaterThanOrEqual(40);
  });

  it('exits 1 when a scenario fails, naming the step, and 2 for a bad file', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mvc-scenarios-'));
    writeFileSync(join(dir, 'wrong.yaml'), 'name: wrong\nfixtures:\n  clients: [{ clientId: a, clientSecret: s, redirectUris: ["http://l/cb"], twoFactor: bypass }]\n  users: [{ email: a@b.se, password: "Sommar2025!x" }]\nsteps:\n  - login: { client: a, user: a@b.se }\n    expect: { prompt: enroll }\n');
    const failing = start(['scenarios', 'run', dir]);
    expect(await failing.exited).toBe(1);
    expect(failing.output().stdout).toContain('step 1 (login) failed:\n      expected prompt enroll, got none');
    writeFileSync(join(dir, 'wrong.yaml'), 'name: bad\nsteps:\n  - fly: {}\n');
    const bad = start(['scenarios', 'run', dir]);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain('wrong.yaml: step 1: is not a known step');
  });
});

describe('the package', () => {
  it("exports the testing library as mock-visma-connect/testing, built and typed", { timeout: 60_000 }, async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const build = start(['--port', '0']); // builds dist/ when the sources are newer
    await build.ready;
    build.child.kill('SIGTERM');
    await build.exited;
    const script = "import { startMockVismaConnect } from 'mock-visma-connect/testing'; const idp = await startMockVismaConnect(); console.log(JSON.stringify({ issuer: idp.issuer, clients: Object.keys(idp.clients) })); await idp.close();";
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ issuer: expect.stringMatching(/^http:\/\/localhost:\d+$/), clients: expect.arrayContaining(['flex-hrm', 'hrm-api']) });
    expect(existsSync(`${root}dist/provider/testing/index.d.ts`)).toBe(true);
  });
});

describe('the container configuration (run without Docker, as the image would run it)', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));

  it('starts with the environment docker-compose.yml gives the provider (Redis and SMTP on this machine) and serves its issuer', { timeout: 60_000 }, async () => {
    const compose = parseYaml(readFileSync(`${root}docker-compose.yml`, 'utf8')) as { services: Record<string, { environment: Record<string, string> }> };
    const environment = compose.services['mock-visma-connect']!.environment;
    expect(environment).toMatchObject({ HOST: '0.0.0.0', PORT: '5080', STORE: 'redis', REDIS_URL: 'redis://redis:6379', MAIL: 'smtp', SMTP_URL: 'smtp://mailhog:1025' });
    expect(Object.keys(compose.services).sort()).toEqual(['mailhog', 'mock-visma-connect', 'redis']);
    await requireRedis();
    // The same configuration, with the services' host names pointed at this machine's.
    const prefix = uniquePrefix();
    const server = start([], { ...environment, PORT: '0', REDIS_URL, REDIS_PREFIX: prefix, SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      const url = await server.ready;
      expect(url).toMatch(/^http:\/\/localhost:\d+$/);
      const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(discovery.issuer).toBe(environment['ISSUER']);
      expect(server.output().stdout).toContain('store      redis');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await clearPrefix(prefix);
    }
  });

  it('copies into the image everything the server needs, and runs the bin the package declares', () => {
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    expect(dockerfile).toMatch(/^FROM node:22-slim/m);
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1]!.split(' '));
    for (const path of copied) expect(existsSync(`${root}${path}`), `${path} exists`).toBe(true);
    const command = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { bin: Record<string, string>; files: string[] };
    expect(command).toEqual(['node', pkg.bin['mock-visma-connect']]);
    for (const needed of ['bin', 'views', 'fixtures']) expect(copied).toContain(needed);
  });
});
