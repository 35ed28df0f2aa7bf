import './supported-node.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Settings } from '../config/index.js';
import type { FixtureInput } from '../fixtures/index.js';
import { MockVismaConnect } from './client.js';
import { loadEmulator } from './load-emulator.js';
import { isUrlWith } from '../config/url-with-protocol.js';
import { checkOptions, checkSettings } from './options.js';
import { exchange } from './web/exchange.js';

export { MockVismaConnect, MockVismaConnectError, type ClientCredentialsOptions, type Mail, type SignInOptions, type TestClient } from './client.js';
export { SignInError, TokenError, type Tokens } from './sign-in.js';
export { formWith, readForm, readForms, textOf, UserAgent, validationMessages, type Form, type FormValues, type Page } from './web/index.js';
export type { FixtureInput } from '../fixtures/index.js';
export type { LoggedDecision } from '../twofactor/index.js';

export interface MockVismaConnectOptions {
  /** Fixtures (typed as the fixture file), or a path to a YAML/JSON fixture file; default: the demo fixtures. */
  fixtures?: FixtureInput | string;
  /** Any other setting (port 0 and free mail ports unless given). */
  settings?: Partial<Settings>;
}

/**
 * Starts an emulator in this process, with a clock of its own: moving it (`connect.clock`) expires
 * codes, sessions and tokens at the emulator while your code keeps real time (`Date` is never touched)
 * and still accepts the tokens issued afterwards, as a relying party on real time does. `close()`
 * stops it and removes the temporary fixture file.
 */
export async function startMockVismaConnect(options: MockVismaConnectOptions = {}): Promise<MockVismaConnect> {
  checkOptions('startMockVismaConnect', options, ['fixtures', 'settings']);
  const { modules, started, signedIn } = await loadEmulator();
  checkSettings('startMockVismaConnect', options.settings, modules.settingsOverrideProblem);
  const { DEFAULT_FIXTURES_PATH, startEmulator, defaultSettings, stringify } = modules;
  const temporary = typeof options.fixtures === 'object' ? writeTemporary(await stringify(options.fixtures)) : undefined;
  // Synchronously: one small file, and node:fs/promises, which nothing else of a start loads, stays unloaded.
  const removeTemporary = () => {
    if (temporary !== undefined) rmSync(dirname(temporary), { recursive: true, force: true });
  };
  try {
    const fixturesPath = typeof options.fixtures === 'string' ? options.fixtures : (temporary ?? DEFAULT_FIXTURES_PATH);
    const emulator = await startEmulator(defaultSettings({ port: 0, smtpPort: 0, mailApiPort: 0, publicApiPort: 0, logLevel: 'error', fixturesPath, ...options.settings }));
    started();
    const endpoint = { url: emulator.url, issuer: emulator.issuer, publicApiUrl: emulator.publicApiUrl, mail: emulator.mail, controlToken: options.settings?.controlToken };
    const close = async () => {
      await emulator.close();
      removeTemporary();
    };
    return new MockVismaConnect(endpoint, emulator.fixtureFile, { close, afterFirstSignIn: signedIn });
  } catch (error) {
    removeTemporary();
    throw error;
  }
}

/** Runs `body` with an emulator of its own, and stops it afterwards whatever happens. */
export async function withMockVismaConnect<T>(options: MockVismaConnectOptions, body: (connect: MockVismaConnect) => Promise<T>): Promise<T> {
  if (typeof body !== 'function') throw new TypeError(`withMockVismaConnect: the second argument must be the test's function, not ${typeof body}`);
  const connect = await startMockVismaConnect(options);
  try {
    return await body(connect);
  } finally {
    await connect.close();
  }
}

export interface ConnectOptions {
  /** Where the emulator answers, e.g. http://localhost:5080. */
  url: string;
  /** Its CONTROL_TOKEN, if it has one. */
  controlToken?: string;
  /** The fixtures it was started with (object or file), so that the client knows the secrets and passwords. */
  fixtures?: FixtureInput | string;
  /** Where its Public API answers (PUBLIC_API_PORT), if you use it. */
  publicApiUrl?: string;
}

/** The same client for an emulator that runs elsewhere (a container in CI, `npx mock-visma-connect`). */
export async function connectToMockVismaConnect(options: ConnectOptions): Promise<MockVismaConnect> {
  checkOptions('connectToMockVismaConnect', options, ['url', 'controlToken', 'fixtures', 'publicApiUrl']);
  for (const name of ['url', 'publicApiUrl'] as const) {
    const value: unknown = options[name];
    if ((value !== undefined || name === 'url') && !isUrlWith(value, ['http:', 'https:'])) throw new TypeError(`connectToMockVismaConnect: ${name} must be an http or https URL, not ${JSON.stringify(value)}`);
  }
  if (options.controlToken !== undefined && (typeof options.controlToken !== 'string' || options.controlToken === '')) throw new TypeError('connectToMockVismaConnect: controlToken must be a non-empty string');
  const url = options.url.replace(/\/$/, '');
  const discovery = await exchange(`${url}/.well-known/openid-configuration`);
  if (discovery.status !== 200) throw new Error(`${url} has no discovery document (status ${discovery.status})`);
  const { issuer } = JSON.parse(discovery.text) as { issuer: string };
  const { readFixtureFile, validateFixtures } = (await loadEmulator()).modules;
  const fixtures = typeof options.fixtures === 'string' ? await readFixtureFile(options.fixtures) : await validateFixtures(options.fixtures ?? {}, 'the fixtures given');
  return new MockVismaConnect({ url, issuer, publicApiUrl: options.publicApiUrl, controlToken: options.controlToken }, fixtures, { close: async () => {} });
}

function writeTemporary(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mock-visma-connect-')), 'fixtures.yaml');
  writeFileSync(path, yaml);
  return path;
}
