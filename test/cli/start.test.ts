import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtures } from '../support/emulator.js';
import { OLD_NODE_VERSION, oldNodeBin } from '../support/old-node.js';
import { freePort } from '../support/redis-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where Node keeps its caches under NODE_COMPILE_CACHE=`root`: a directory of its own per Node version. */
const compileCacheDirUnder = (root: string): string => execFileSync(process.execPath, ['-p', "require('node:module').getCompileCacheDir()"], { env: { ...process.env, NODE_COMPILE_CACHE: root }, encoding: 'utf8' }).trim();
const START = fileURLToPath(new URL('../../scripts/start.js', import.meta.url));
const running: ChildProcess[] = [];

/** Runs `npm start`'s script (it builds dist/ when the sources are newer) with the given env. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [START, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', SMTP_PORT: '0', MAIL_API_PORT: '0', PUBLIC_API_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const publicApi = /public API (http:\/\/127\.0\.0\.1:\d+)\/v1\.0\n/.exec(server.output().stdout)![1]!;
    expect((await fetch(`${publicApi}/v1.0/tenants`)).status).toBe(401);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(`http://localhost:${port}`);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it("answers oidc-provider's own errors from the bundle as from the sources: a bearer token it does not know is 401 invalid_token at userinfo", { timeout: 60_000 }, async () => {
    // The bundle joins packages that the sources load as node_modules has them (scripts/build.js): one
    // joined wrongly (Koa's http-assert with another http-errors) turned this 401 into a 500.
    const server = start(['--port', '0']);
    const url = await server.ready;
    const answer = await fetch(`${url}/connect/userinfo`, { headers: { authorization: 'Bearer not-a-token-we-issued' } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await answer.json()).toEqual({ error: 'invalid_token', error_description: 'invalid token provided' });
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

  it('reads a fixture file anew when it changed since the last start (parsed YAML is kept only for the same text)', { timeout: 60_000 }, async () => {
    const path = writeFixtures({ clients: [{ clientId: 'x', twoFactor: 'bypass', redirectUris: ['http://localhost/cb'] }] });
    const first = start(['--port', '0', '--fixtures', path]);
    await first.ready;
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    writeFileSync(path, readFileSync(path, 'utf8').replace('twoFactor: bypass', 'twoFactor: never'));
    const second = start(['--port', '0', '--fixtures', path]);
    expect(await second.exited).toBe(2);
    expect(second.output().stderr.trim().split('\n').at(-1)).toBe(`mock-visma-connect: ${path}: clients[0].twoFactor: must be one of default, bypass, adaptive, required`);
  });

  it("refuses a client oidc-provider refuses at every start of the file, though the file's validation is kept", { timeout: 60_000 }, async () => {
    const path = writeFixtures({ clients: [{ clientId: 'frag', redirectUris: ['http://localhost:3000/cb#x'] }] });
    for (const attempt of [1, 2, 3]) {
      const server = start(['--port', '0', '--fixtures', path]);
      expect(await server.exited, `start ${attempt}`).toBe(2);
      expect(server.output().stderr.trim().split('\n').at(-1), `start ${attempt}`).toBe(`mock-visma-connect: ${path}: clients[0]: frag: redirect_uris must not contain fragments`);
    }
  });

  it('writes its code cache once ready, from the first start that finds its fixtures kept, and keeps only the newest four code caches in the cache directory', { timeout: 60_000 }, async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mvc-code-cache-'));
    const cacheDir = compileCacheDirUnder(cacheRoot);
    const codeCaches = () => readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache'));
    const earlierBuilds = ['1', '2', '3', '4', '5'].map((n) => `mock-visma-connect-${n}a-${n}00.v8cache`);
    for (const [age, name] of earlierBuilds.entries()) {
      writeFileSync(join(cacheDir, name), 'a build before');
      utimesSync(join(cacheDir, name), new Date(Date.UTC(2026, 0, 1 + age)), new Date(Date.UTC(2026, 0, 1 + age)));
    }
    // The first start validates the fixture file and keeps it: its code cache would hold the YAML parser
    // and the fixture schema, which the starts after it do not run, so it writes none.
    const first = start(['--port', '0'], { NODE_COMPILE_CACHE: cacheRoot });
    await first.ready;
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(readdirSync(cacheDir).filter((name) => name.startsWith('mock-visma-connect-fixtures-'))).toHaveLength(1);
    expect(codeCaches().sort()).toEqual(earlierBuilds);

    const server = start(['--port', '0'], { NODE_COMPILE_CACHE: cacheRoot });
    await server.ready;
    await expect.poll(() => codeCaches().filter((name) => !earlierBuilds.includes(name))).toHaveLength(1);
    expect(codeCaches()).toHaveLength(4);
    expect(codeCaches()).toEqual(expect.arrayContaining(earlierBuilds.slice(-3)));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses to start when Redis does not answer, in one line', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const server = start(['--port', '0', '--store', 'redis'], { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(await server.exited).toBe(2);
    expect(server.output().stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^mock-visma-connect: Redis at redis://127\\.0\\.0\\.1:${port} does not answer \\(.+\\); start Redis or use STORE=memory$`));
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
    writeFileSync(
      join(dir, 'wrong.yaml'),
      'name: wrong\nfixtures:\n  clients: [{ clientId: a, clientSecret: s, redirectUris: ["http://l/cb"], twoFactor: bypass }]\n  users: [{ email: a@b.se, password: "Sommar2025!x" }]\nsteps:\n  - login: { client: a, user: a@b.se }\n    expect: { prompt: enroll }\n',
    );
    const failing = start(['scenarios', 'run', dir]);
    expect(await failing.exited).toBe(1);
    expect(failing.output().stdout).toContain('step 1 (login) failed:\n      expected prompt enroll, got none');
    writeFileSync(join(dir, 'wrong.yaml'), 'name: bad\nsteps:\n  - fly: {}\n');
    const bad = start(['scenarios', 'run', dir]);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain('wrong.yaml: step 1: is not a known step');
  });
});

describe('the scenario runner refusing options before it runs anything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvc-options-'));
  it.each([
    ['--junit naming a directory', ['--junit', dir], `--junit ${dir} is a directory`],
    ['--junit in a folder that does not exist', ['--junit', join(dir, 'nowhere', 'out.xml')], `--junit ${join(dir, 'nowhere', 'out.xml')} cannot be written: ENOENT`],
    ['an empty --junit', ['--junit', ''], '--junit must name a file'],
    ['--fixtures beside --url', ['--url', 'http://127.0.0.1:9', '--fixtures', 'fixtures/default.yaml'], '--fixtures is for the emulators the runner starts'],
  ])('exits 2 for %s, in one line', { timeout: 60_000 }, async (_name, options, message) => {
    const run = start(['scenarios', 'run', 'scenarios/library', ...options]);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain(message);
    expect(run.output().stdout).toBe('');
  });
});

describe('the package', () => {
  /** dist/ as the package ships it: `npm start` builds it when the sources are newer. */
  async function buildPackage() {
    const build = start(['--port', '0']);
    await build.ready;
    build.child.kill('SIGTERM');
    await build.exited;
  }

  /**
   * What a script of these lines (an ES module run in this checkout, where `mock-visma-connect` names the
   * package itself) prints in the built package, parsed as JSON; the script must exit 0.
   */
  async function printedInPackage(lines: string[], env: Record<string, string> = {}, errors?: { stderr: string }): Promise<unknown> {
    await buildPackage();
    const child = spawn(process.execPath, ['--input-type=module', '-e', lines.join('\n')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => errors && (errors.stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    return JSON.parse(out);
  }

  it("signs in through the built library without Node's warning about the script's loader on stderr, where a test runner would show it for every file", { timeout: 60_000 }, async () => {
    const errors = { stderr: '' };
    const printed = await printedInPackage(
      [
        "import { startMockVismaConnect } from 'mock-visma-connect/testing';",
        'const idp = await startMockVismaConnect();',
        "const tokens = await idp.signIn({ client: 'flex-hrm', user: 'anna.svensson@foretaget.se' });",
        'await idp.close();',
        "process.emitWarning('a warning of the test itself');",
        'console.log(JSON.stringify({ acr: tokens.claims.acr }));',
      ],
      {},
      errors,
    );
    expect(printed).toEqual({ acr: '3' });
    // Node's warning about the main context's loader, which the script's import() uses, is ours to drop; no other.
    expect(errors.stderr).not.toContain('USE_MAIN_CONTEXT_DEFAULT_LOADER');
    expect(errors.stderr).toContain('a warning of the test itself');
  });

  it('exports the testing library as mock-visma-connect/testing, built and typed', { timeout: 60_000 }, async () => {
    const printed = await printedInPackage([
      "import { startMockVismaConnect } from 'mock-visma-connect/testing';",
      'const idp = await startMockVismaConnect();',
      'console.log(JSON.stringify({ issuer: idp.issuer, clients: Object.keys(idp.clients) }));',
      'await idp.close();',
    ]);
    expect(printed).toMatchObject({ issuer: expect.stringMatching(/^http:\/\/localhost:\d+$/), clients: expect.arrayContaining(['flex-hrm', 'hrm-api']) });
    expect(existsSync(`${ROOT}dist/provider/testing/index.d.ts`)).toBe(true);
  });

  it(
    "signs users in through the built library, one of the fixtures it adds too, loading its HTML parser, cookie jar and token checks on first use, and never undici (Node's fetch: half of a test process's first sign-in)",
    { timeout: 60_000 },
    async () => {
      const printed = await printedInPackage([
        "import { startMockVismaConnect } from 'mock-visma-connect/testing';",
        'const idp = await startMockVismaConnect();',
        "const first = await idp.signIn({ client: 'flex-hrm', user: 'maria.lindqvist@exempel.se' });",
        "await idp.addFixtures({ users: [{ email: 'tillagd@exempel.se', password: 'Sommar2025!x' }] });",
        "const added = await idp.signIn({ client: 'flex-hrm', user: 'tillagd@exempel.se' });",
        "await idp.clientCredentials({ client: 'hrm-api', scope: 'connect:users' });",
        'await idp.reset();',
        "const undici = process.moduleLoadList.filter((name) => name.includes('undici'));",
        'console.log(JSON.stringify({ claims: [first.claims, added.claims], undici }));',
        'await idp.close();',
      ]);
      expect(printed).toMatchObject({
        claims: [
          { email: 'maria.lindqvist@exempel.se', amr: ['pwd'] },
          { email: 'tillagd@exempel.se', amr: ['pwd'] },
        ],
        undici: [],
      });
    },
  );

  it('writes the code cache from its first in-process start, though that start validated its fixtures (each test process may)', { timeout: 60_000 }, async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mvc-code-cache-'));
    const cacheDir = compileCacheDirUnder(cacheRoot);
    const printed = await printedInPackage(
      [
        "import { startMockVismaConnect } from 'mock-visma-connect/testing';",
        "const idp = await startMockVismaConnect({ fixtures: { users: [{ email: 'ny.anvandare@exempel.se', password: 'Sommar2025!x' }] } });",
        'console.log(JSON.stringify({ issuer: idp.issuer }));',
        'await idp.close();',
      ],
      { NODE_COMPILE_CACHE: cacheRoot },
    );
    expect(printed).toMatchObject({ issuer: expect.stringMatching(/^http:/) });
    expect(readdirSync(cacheDir).filter((name) => name.startsWith('mock-visma-connect-fixtures-'))).toHaveLength(1);
    expect(readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache'))).toHaveLength(1);
  });

  it("writes, at a test process's first sign-in, the code caches of a sign-in (the emulator's and the client side's), which the next test process runs with", { timeout: 60_000 }, async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'mvc-code-cache-'));
    const cacheDir = compileCacheDirUnder(cacheRoot);
    const signIn = [
      "import { startMockVismaConnect } from 'mock-visma-connect/testing';",
      'const idp = await startMockVismaConnect();',
      "const tokens = await idp.signIn({ client: 'flex-hrm', user: 'anna.svensson@foretaget.se' });",
      'await idp.close();',
      'console.log(JSON.stringify({ acr: tokens.claims.acr }));',
    ];
    /** Each code cache's kind (its name without the build id, length and time), when it was written and its contents. */
    const codeCaches = () =>
      Object.fromEntries(
        readdirSync(cacheDir)
          .filter((name) => name.endsWith('.v8cache'))
          .map((name) => [name.replace(/-[0-9a-f]+(-\d+)+\.v8cache$/, ''), { writtenAt: statSync(join(cacheDir, name)).mtimeMs, contents: readFileSync(join(cacheDir, name)).toString('base64') }]),
      );
    expect(await printedInPackage(signIn, { NODE_COMPILE_CACHE: cacheRoot })).toEqual({ acr: '3' });
    const written = codeCaches();
    expect(Object.keys(written).sort()).toEqual(['mock-visma-connect', 'mock-visma-connect-client', 'mock-visma-connect-signed-in']);
    // V8 took them: the next process, which signs in too, has nothing to write.
    expect(await printedInPackage(signIn, { NODE_COMPILE_CACHE: cacheRoot })).toEqual({ acr: '3' });
    expect(codeCaches()).toEqual(written);
  });

  it("throws the package's StartupError from the testing library's in-process start when the port is taken", { timeout: 60_000 }, async () => {
    const printed = await printedInPackage([
      "import { createServer } from 'node:net'; import { StartupError } from 'mock-visma-connect'; import { startMockVismaConnect } from 'mock-visma-connect/testing';",
      "const taken = createServer().listen(0, '127.0.0.1'); await new Promise((resolve) => taken.once('listening', resolve));",
      "try { await startMockVismaConnect({ settings: { port: taken.address().port } }); console.log('started'); }",
      'catch (error) { console.log(JSON.stringify({ startupError: error instanceof StartupError, name: error.name, message: error.message })); }',
      'taken.close();',
    ]);
    expect(printed).toMatchObject({ startupError: true, name: 'StartupError', message: expect.stringContaining('PORT') });
  });
});

describe('on a Node older than 22.12', () => {
  let bin: string;
  beforeAll(() => {
    bin = oldNodeBin();
  }, 300_000);
  const expected = () =>
    `mock-visma-connect: needs Node.js 22.12 or newer, and this is Node.js ${OLD_NODE_VERSION} (${join(bin, 'node')}); ` +
    'install it with nvm (`nvm install 22`, or `nvm install` in a checkout, which reads .nvmrc), from https://nodejs.org, or use the official node:22 Docker image';

  /** Runs a command as a user whose PATH finds the old Node first. */
  async function withOldNode(command: string, args: string[]) {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, PATH: `${bin}${delimiter}${process.env['PATH']}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stdout, stderr };
  }

  /** What the command itself printed on stderr, without npm's own warnings (EBADENGINE and the like). */
  const ownLines = (stderr: string) => stderr.split('\n').filter((line) => line !== '' && !line.startsWith('npm '));

  it('`npm start` says in one line which Node it needs, which one runs and how to get one, and exits 2', { timeout: 60_000 }, async () => {
    const run = await withOldNode('npm', ['start']);
    expect(ownLines(run.stderr)).toEqual([expected()]);
    expect(run.code).toBe(2);
  });

  it('`npx mock-visma-connect` says the same', { timeout: 60_000 }, async () => {
    const run = await withOldNode('npx', ['--offline', 'mock-visma-connect', '--port', '0']);
    expect(ownLines(run.stderr)).toEqual([expected()]);
    expect(run.code).toBe(2);
  });

  it('`npm test` says the same before type-checking or running anything', { timeout: 60_000 }, async () => {
    const run = await withOldNode('npm', ['test']);
    expect(ownLines(run.stderr)).toEqual([expected()]);
    expect(run.stdout).not.toContain('> tsc -p');
    expect(run.code).toBe(2);
  });

  it('importing the testing library throws an Error with that line before loading anything else, and leaves the host process running', { timeout: 60_000 }, async () => {
    await buildDist();
    const script = "try { await import('mock-visma-connect/testing'); console.log('imported'); } catch (error) { console.log(`${error.constructor.name}: ${error.message}`); } console.log('still running');";
    const run = await withOldNode('node', ['--input-type=module', '-e', script]);
    expect(run.stdout).toBe(`Error: ${expected()}\nstill running\n`);
    expect(run.stderr).toBe(''); // no warning from a dependency that got loaded first
    expect(run.code).toBe(0);
  });
});

/** Compiles dist/ when the sources are newer, as `npm start` does. */
async function buildDist() {
  const child = spawn(process.execPath, ['--input-type=module', '-e', "import('./scripts/build-if-stale.cjs').then((build) => build.buildIfStale())"], { cwd: ROOT, stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the build failed (${code})`);
}
