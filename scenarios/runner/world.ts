import type { FixtureFile } from '../../provider/fixtures/index.js';
import { authorizationRequest, type AuthorizationRequest, type Tokens } from '../../provider/testing/sign-in.js';
import { exchange } from '../../provider/testing/web/exchange.js';
import { Browser } from './browser.js';

/** An emulator the runner drives: where it answers, its issuer, and the control token if one is set. */
export interface Target {
  url: string;
  issuer: string;
  controlToken: string | undefined;
}

/** A browser's tokens from its last sign-in (or refresh), and the client they were issued to. */
export interface BrowserTokens extends Tokens {
  clientId: string;
}

export interface BrowserState {
  browser: Browser;
  login: AuthorizationRequest | undefined;
  user: string | undefined;
  tokens: BrowserTokens | undefined;
}

/** What a control-plane or API call answered: its JSON (the text when it was not JSON), read as the caller expects it. */
export interface Answer<Body = unknown> {
  status: number;
  body: Body;
}

/** Why a call failed, for a step's message: the answer's error_description, else its status. */
export function whyRefused({ status, body }: Answer): string {
  const description = (body as { error_description?: unknown } | undefined)?.error_description;
  return typeof description === 'string' ? description : String(status);
}

export interface ClientInfo {
  secret: string | undefined;
  redirectUri: string | undefined;
}

/** What one scenario run knows: its browsers, saved values, and the secrets its fixtures gave. */
export class World {
  readonly vars: Record<string, string> = {};
  readonly #browsers = new Map<string, BrowserState>();
  readonly passwords = new Map<string, string>();
  readonly emergencyCodes = new Map<string, string>();
  readonly lastCodes = new Map<string, string>();
  /** The last WebAuthn answer each user's authenticator gave (JSON), for a replay. */
  readonly lastAssertions = new Map<string, string>();
  readonly clients = new Map<string, ClientInfo>();

  constructor(readonly target: Target) {}

  browser(name = 'default'): BrowserState {
    let state = this.#browsers.get(name);
    if (!state) {
      const origins = [new URL(this.target.url).origin, new URL(this.target.issuer).origin];
      state = { browser: new Browser(origins), login: undefined, user: undefined, tokens: undefined };
      this.#browsers.set(name, state);
    }
    return state;
  }

  learnFixtures(fixtures: FixtureFile): void {
    for (const user of fixtures.users) {
      if (user.password) this.passwords.set(user.email.toLowerCase(), user.password);
      if (user.emergencyCode) this.emergencyCodes.set(user.email.toLowerCase(), user.emergencyCode);
    }
    for (const client of fixtures.clients) this.clients.set(client.clientId, { secret: client.clientSecret, redirectUri: client.redirectUris[0] });
  }

  client(clientId: string): ClientInfo {
    const client = this.clients.get(clientId);
    if (!client) throw new Error(`client ${clientId} is not in the scenario's fixtures: add it there (the runner needs its secret and redirect URI)`);
    return client;
  }

  newLogin(clientId: string): AuthorizationRequest {
    return authorizationRequest(clientId, this.client(clientId).redirectUri ?? '');
  }

  /** The target's time (epoch seconds): the emulator may run in another process with its clock moved. */
  async now(): Promise<number> {
    const answer = await this.call<{ now: number }>('GET', '/_mock/clock');
    if (answer.status !== 200) throw new Error(`GET /_mock/clock answered ${answer.status}`);
    return answer.body.now;
  }

  /** A control-plane or API call: JSON in and out. */
  async call<Body = unknown>(method: string, path: string, body?: unknown, bearer?: string): Promise<Answer<Body>> {
    const token = bearer ?? (path.startsWith('/_mock/') ? this.target.controlToken : undefined);
    const response = await exchange(`${this.target.url}${path}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = response.text;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as Body };
  }
}
