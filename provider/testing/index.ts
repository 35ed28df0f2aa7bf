import './supported-node.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { currentTotp } from '../accounts/index.js';
import { AccountRepository } from '../accounts/index.js';
import { defaultSettings, type Settings } from '../config/index.js';
import { readFixtureFile } from '../fixtures/index.js';
import { DEFAULT_FIXTURES_PATH, startEmulator } from '../server.js';

export interface MockVismaConnectOptions {
  /** Fixtures as an object in the fixture schema, or a path to a YAML/JSON file; default: the demo fixtures. */
  fixtures?: object | string;
  /** Any other setting (port 0 and free mail ports unless given). */
  settings?: Partial<Settings>;
}

export interface TestClient {
  clientId: string;
  clientSecret: string | undefined;
  redirectUris: string[];
}

export interface Mail {
  subject: string;
  text: string;
  html: string;
  /** The 6-digit code in the mail, if any. */
  code: string | null;
  links: string[];
}

export interface MockVismaConnect {
  issuer: string;
  url: string;
  /** The Visma Connect Public API's base URL (operations under `/v1.0`). */
  publicApiUrl: string;
  /** The fixtures' clients by id, with their secrets. */
  clients: Record<string, TestClient>;
  /** The current TOTP code of an enrolled user. */
  totp(email: string): Promise<string>;
  /** The newest mail to an address, decoded. */
  latestMail(to: string): Promise<Mail>;
  advanceClock(seconds: number): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts an emulator in this process for a test suite. Its clock is this process's `Date`: moving
 * it moves the time your own code in the same process sees too (so it accepts the tokens issued then).
 */
export async function startMockVismaConnect(options: MockVismaConnectOptions = {}): Promise<MockVismaConnect> {
  const fixturesPath = typeof options.fixtures === 'string' ? options.fixtures : options.fixtures ? writeTemporary(options.fixtures) : DEFAULT_FIXTURES_PATH;
  const emulator = await startEmulator(defaultSettings({ port: 0, smtpPort: 0, mailApiPort: 0, publicApiPort: 0, logLevel: 'error', fixturesPath, ...options.settings }));
  const fixtureClients = (await readFixtureFile(fixturesPath)).clients;
  const accounts = new AccountRepository(emulator.store);

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { ...(options.settings?.controlToken && { authorization: `Bearer ${options.settings.controlToken}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${String(answer['error_description'] ?? response.status)}`);
    return answer;
  };

  return {
    issuer: emulator.issuer,
    url: emulator.url,
    publicApiUrl: emulator.publicApiUrl,
    clients: Object.fromEntries(fixtureClients.map((client) => [client.clientId, { clientId: client.clientId, clientSecret: client.clientSecret, redirectUris: client.redirectUris }])),
    async totp(email) {
      const account = await accounts.findByEmail(email);
      if (!account?.totpSecret) throw new Error(`${email} has no authenticator (not enrolled in 2FA)`);
      return currentTotp(account.totpSecret, Math.floor(Date.now() / 1000));
    },
    latestMail: async (to) => (await control('GET', `/_mock/mail/latest?to=${encodeURIComponent(to)}`)) as unknown as Mail,
    advanceClock: async (seconds) => void (await control('POST', '/_mock/clock', { advanceSeconds: seconds })),
    reset: () => emulator.reset(),
    stop: () => emulator.close(),
  };
}

function writeTemporary(fixtures: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mock-visma-connect-')), 'fixtures.yaml');
  writeFileSync(path, stringify(fixtures));
  return path;
}
