import type { FixtureFile, FixtureInput } from '../fixtures/schema.js';
import type { LoggedDecision } from '../twofactor/index.js';
import { loadEmulator } from './load-emulator.js';
import { authorizationRequest, authorizeUrl, redeemCode, SignInError, tokenRequest, walkLoginPages, type AuthorizationParameters, type Endpoint, type Tokens } from './sign-in.js';
import { exchange } from './web/exchange.js';
import { UserAgent } from './web/index.js';

export interface TestClient {
  clientId: string;
  clientSecret: string | undefined;
  redirectUris: string[];
}

export interface Mail {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The 6-digit code in the mail, if any. */
  code: string | null;
  links: string[];
  created: string;
}

export interface SignInOptions extends Omit<AuthorizationParameters, 'responseMode'> {
  /** A client of the fixtures (its secret and first redirect URI are used). */
  client: string;
  /** The user's e-mail address. */
  user: string;
  /** Default: the user's password in the fixtures. */
  password?: string;
  /** Tick "Remember this device" at the 2FA code. */
  remember?: boolean;
  /** Enroll in 2FA when it is offered as optional (default: "Remind me later"); required enrollment is always done. */
  enroll?: boolean;
  /** The browser to sign in with: reuse one to keep its session and remembered device. Default: a new one. */
  browser?: UserAgent;
}

export interface ClientCredentialsOptions {
  client: string;
  scope?: string;
  tenantId?: string;
}

/** An answer of the control plane that is not a success. */
export class MockVismaConnectError extends Error {
  override name = 'MockVismaConnectError';
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

/**
 * Everything a test does with the emulator, over HTTP as an app and a browser would: sign-ins through
 * the pages, tokens, mail, the clock, TOTP codes, reset and the 2FA decisions. It knows the clients'
 * secrets and the users' passwords from the fixtures it was given, and from those it adds.
 */
export class MockVismaConnect {
  readonly url: string;
  readonly issuer: string;
  /** The Visma Connect Public API's base URL (operations under `/v1.0`), when known. */
  readonly publicApiUrl: string | undefined;
  /** The embedded mail catcher, when known: the SMTP port your own code may send mail to (read it with latestMail) and the MailHog API's base URL. */
  readonly mail: { smtpPort: number; apiUrl: string } | undefined;
  readonly #controlToken: string | undefined;
  readonly #clients = new Map<string, TestClient>();
  readonly #passwords = new Map<string, string>();
  readonly #close: () => Promise<void>;
  #closing: Promise<void> | undefined;
  #afterFirstSignIn: (() => void) | undefined;

  /**
   * Made by startMockVismaConnect and connectToMockVismaConnect, not by a test. `close` stops what the
   * client started; `afterFirstSignIn`, called once a sign-in has come back with verified tokens, lets an
   * emulator started in this process write the code cache of a sign-in.
   * @internal
   */
  constructor(
    endpoint: Endpoint & { publicApiUrl?: string | undefined; controlToken?: string | undefined; mail?: { smtpPort: number; apiUrl: string } | undefined },
    fixtures: FixtureFile,
    { close, afterFirstSignIn }: { close: () => Promise<void>; afterFirstSignIn?: () => void },
  ) {
    this.url = endpoint.url;
    this.issuer = endpoint.issuer;
    this.publicApiUrl = endpoint.publicApiUrl;
    this.mail = endpoint.mail;
    this.#controlToken = endpoint.controlToken;
    this.#close = close;
    this.#afterFirstSignIn = afterFirstSignIn;
    this.#learn(fixtures);
  }

  /** Stops an emulator this started (and removes its temporary files); a connection to one running elsewhere just ends. Closing twice is closing once. */
  close(): Promise<void> {
    return (this.#closing ??= this.#close());
  }

  /** Every method that talks to the emulator calls this first: after close() there is nothing to talk to. */
  #open(method: string): void {
    if (this.#closing !== undefined) throw new Error(`${method}: this MockVismaConnect was closed; start or connect a new one`);
  }

  /** The fixtures' clients by id, with their secrets. */
  get clients(): Record<string, TestClient> {
    return Object.fromEntries(this.#clients);
  }

  /** Signs the user in to the client through the login pages (with 2FA when it is asked for) and redeems the code: verified tokens. */
  async signIn(options: SignInOptions): Promise<Tokens> {
    this.#open('signIn');
    const client = this.#client(options.client);
    const redirectUri = client.redirectUris[0];
    if (redirectUri === undefined) throw new SignInError(`client ${client.clientId} has no redirect URI to sign in to`);
    const request = authorizationRequest(client.clientId, redirectUri);
    const agent = options.browser ?? new UserAgent();
    const first = await agent.get(authorizeUrl(this.url, request, { ...options, responseMode: 'query' }));
    const { code } = await walkLoginPages(first, {
      request,
      agent,
      user: options.user,
      password: options.password ?? this.#passwords.get(options.user.toLowerCase()),
      remember: options.remember ?? false,
      enroll: options.enroll ?? false,
      totp: () => this.totp(options.user),
      now: () => this.#nowSeconds(),
    });
    const tokens = await redeemCode(this, request, code, client.clientSecret);
    const afterFirstSignIn = this.#afterFirstSignIn;
    this.#afterFirstSignIn = undefined;
    afterFirstSignIn?.();
    return tokens;
  }

  /** A service token (client_credentials), as the HRM gets one for the provisioning API. */
  async clientCredentials(options: ClientCredentialsOptions): Promise<Tokens> {
    this.#open('clientCredentials');
    const client = this.#client(options.client);
    const grant = { grant_type: 'client_credentials', ...(options.scope !== undefined && { scope: options.scope }), ...(options.tenantId !== undefined && { tenant_id: options.tenantId }) };
    return tokenRequest(this, { clientId: client.clientId, secret: client.clientSecret }, grant);
  }

  /** The current TOTP code of an enrolled user. */
  async totp(email: string): Promise<string> {
    return ((await this.#control('GET', `/_mock/totp?email=${encodeURIComponent(email)}`)) as { code: string }).code;
  }

  /** The newest mail to an address, decoded. */
  async latestMail(to: string): Promise<Mail> {
    return (await this.#control('GET', `/_mock/mail/latest?to=${encodeURIComponent(to)}`)) as Mail;
  }

  /** The one clock of the emulator (codes, links, sessions, tokens, lockouts). */
  readonly clock = {
    now: async (): Promise<Date> => new Date((await this.#nowSeconds()) * 1000),
    advance: async (seconds: number): Promise<void> => void (await this.#control('POST', '/_mock/clock', { advanceSeconds: seconds })),
    set: async (time: Date | string): Promise<void> => void (await this.#control('POST', '/_mock/clock', { now: typeof time === 'string' ? time : time.toISOString() })),
  };

  /** The 2FA decisions taken so far, each with its rule and trace. */
  async decisions(): Promise<LoggedDecision[]> {
    return ((await this.#control('GET', '/_mock/decisions')) as { decisions: LoggedDecision[] }).decisions;
  }

  /** Back to the loaded fixtures: accounts, sessions, grants, mails, clock, risk. */
  async reset(): Promise<void> {
    await this.#control('POST', '/_mock/reset');
  }

  /** Merges more fixtures over the loaded ones, and learns their clients and passwords. */
  async addFixtures(fixtures: FixtureInput): Promise<void> {
    await this.#control('POST', '/_mock/fixtures', fixtures);
    this.#learn(await (await loadEmulator()).modules.withFixtureDefaults(fixtures));
  }

  #learn(fixtures: FixtureFile): void {
    for (const client of fixtures.clients) this.#clients.set(client.clientId, { clientId: client.clientId, clientSecret: client.clientSecret, redirectUris: client.redirectUris });
    for (const user of fixtures.users) if (user.password !== undefined) this.#passwords.set(user.email.toLowerCase(), user.password);
  }

  #client(clientId: string): TestClient {
    const client = this.#clients.get(clientId);
    if (!client) throw new Error(`no client ${clientId} in the fixtures (there are ${[...this.#clients.keys()].join(', ') || 'none'})`);
    return client;
  }

  async #nowSeconds(): Promise<number> {
    return ((await this.#control('GET', '/_mock/clock')) as { now: number }).now;
  }

  async #control(method: string, path: string, body?: unknown): Promise<unknown> {
    this.#open(`${method} ${path}`);
    const response = await exchange(`${this.url}${path}`, {
      method,
      headers: { ...(this.#controlToken && { authorization: `Bearer ${this.#controlToken}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const answer = (response.text ? JSON.parse(response.text) : {}) as Record<string, unknown> & { error?: string; error_description?: string };
    if (response.status < 200 || response.status > 299) throw new MockVismaConnectError(response.status, answer.error ?? String(response.status), `${method} ${path}: ${answer.error_description ?? response.status}`);
    return answer;
  }
}
