import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import { ACCOUNT_PATH, accountSettingsClient } from './account-settings/internal-client.js';
import { AccountRepository, EmailVerifications, LinkTokens, LoginLockout, TwoFactorAttempts } from './accounts/index.js';
import { API_PATH } from './api/api-path.js';
import { Provisioning } from './api/provisioning.js';
import { projectPath, VISMA_FACTS, type Settings } from './config/index.js';
import { EnrollmentFlow } from './enrollment/index.js';
import { CONTROL_PATH, controlGuards, controlRoutes, faultInjection, Faults } from './control/index.js';
import { controlRoomRoutes } from './control-room/index.js';
import { allowDebuggerRedirects } from './debugger/debugger-redirects.js';
import { DEBUGGER_PATH, debuggerClient } from './debugger/internal-client.js';
import { Directory } from './directory/index.js';
import { acrSettingsOf, clientsAcceptedBefore, prepareFixtures, readFixtureFile, rememberClientsAccepted, seedStore, type AcrSettings, type FixtureFile } from './fixtures/index.js';
import { createLogger, CsrfTokens, errorEdge, jsonNotFoundUnder, jsonShape, logKoaErrors, negotiatedShape, madeOnFirstUse, routesBySegment, routesOnFirstUse, staticAssets, storeGuard, validHost, type Logger } from './http/index.js';
import { InteractionPages, LoginStates, loginRoutes, selfServiceRoutes } from './login/index.js';
import { AccountMails, Mailbox, mailboxPage, Mailer, Outbox, startMailHogApi, startSmtpCatcher } from './mail/index.js';
import {
  accessTokensByIdAtIntrospection,
  clientCredentialsGrant,
  createFindAccount,
  createOidcProvider,
  formPostAsQuery,
  postedFormsOnly,
  frontchannelLogout,
  IssuerKey,
  keepClientsUntilChanged,
  loadSigningKeys,
  logoutEndedSession,
  PROMPT_VALUES,
  refreshTokenGrace,
  RequestAccounts,
  SessionExpiry,
  ServiceTokenTimes,
  SessionManagement,
  tokenErrorsAsBadRequest,
  unsignedRequestObjects,
  validateClients,
  vismaDiscovery,
} from './oidc/index.js';
import { RememberedDevices, RiskOverrides } from './risk/index.js';
import { createOidcAdapter, describeStore, openStore, StoreUnavailableError, type Store } from './store/index.js';
import { Clock, SharedClock } from './time/index.js';
import { DecisionLog, SignInDecisions, TwoFactorGate } from './twofactor/index.js';
import { MockAuthenticators, WebAuthnCeremonies, WebAuthnChallenges } from './webauthn/index.js';

export const DEFAULT_FIXTURES_PATH = projectPath('fixtures', 'default.yaml');
/** Sessions that ended are looked for on requests and, when none come, this often (real time). */
const SESSION_SWEEP_MS = 30_000;
/** Test-only, like the dev signing key: sessions survive restarts and replicas agree. COOKIE_KEYS overrides it. */
const DEV_COOKIE_KEY = 'mock-visma-connect development cookie key (test-only)';
const SEEDED_KEY = 'seeded';

export interface RunningEmulator {
  /** The base URL the server answers on (its bound address). */
  url: string;
  issuer: string;
  port: number;
  /** With MAIL=embedded: the catcher's SMTP port and its MailHog API's base URL. */
  mail: { smtpPort: number; apiUrl: string } | undefined;
  /** The Visma Connect Public API's base URL (its own listener; operations under `/v1.0`). */
  publicApiUrl: string;
  store: Store;
  /** This emulator's clock (each emulator has its own; the process's Date is never moved). */
  clock: Clock;
  /** The fixture file it started with, as read (defaults filled in); what /_mock/fixtures adds later is not in it. */
  fixtureFile: FixtureFile;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Marks a StartupError of any copy of this module: the testing library's emulator runs a copy of its own (dist/provider/emulator.cjs). */
const STARTUP_ERROR = Symbol.for('mock-visma-connect.StartupError');

export class StartupError extends Error {
  override name = 'StartupError';
  readonly [STARTUP_ERROR] = true;

  /** `instanceof StartupError` holds for a StartupError made by either copy. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && STARTUP_ERROR in value;
  }
}

// Koa's handlers answer their own errors: the promise they return never rejects.
type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
type Closer = () => Promise<void> | void;

/**
 * Starts the emulator: reads fixtures and keys, seeds the store, starts the mail catcher, and serves
 * oidc-provider with our routes mounted in front of it, and the Public API on its own port. Until
 * everything is ready the ports answer 503.
 */
export async function startEmulator(settings: Settings, logger: Logger = createLogger(settings.logLevel)): Promise<RunningEmulator> {
  const fixturesPath = settings.fixturesPath ?? DEFAULT_FIXTURES_PATH;
  const [fixtureFile, keys] = await Promise.all([readFixtureFile(fixturesPath), loadSigningKeys(settings.signingKeysPath)]);
  // Their passwords are hashed on libuv's threads while the ports open and the routes are made; the
  // store is seeded once they are. A failure there is met where they are awaited, and closes what opened.
  const preparing = prepareFixtures(fixtureFile, settings.passwordHashCost);
  preparing.catch(() => undefined);

  const closers: Closer[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const starting: Handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"status":"starting"}');
    };
    let handle = starting;
    const server = createServer((req, res) => void handle(req, res));
    const port = await listen(server, settings.port, settings.host, 'PORT');
    closers.push(() => closeServer(server));
    const url = `http://${urlHost(settings.host)}:${port}`;
    let handlePublicApi = starting;
    const publicApiServer = createServer((req, res) => void handlePublicApi(req, res));
    const publicApiPort = await listen(publicApiServer, settings.publicApiPort, settings.host, 'PUBLIC_API_PORT');
    closers.push(() => closeServer(publicApiServer));
    const publicApiUrl = `http://${urlHost(settings.host)}:${publicApiPort}`;
    const issuer = settings.issuer ?? `http://localhost:${port}`;

    const clock = new Clock();
    const store = await openStore(settings, clock).catch((error: Error) => {
      throw error instanceof StoreUnavailableError ? new StartupError(error.message) : error;
    });
    closers.push(() => store.close());
    const sharedClock = new SharedClock(clock, store);
    await sharedClock.sync();
    const mailbox = new Mailbox(store);
    const mailRoute = settings.mail === 'embedded' ? { mailbox } : { smtpUrl: settings.smtpUrl };
    const mailer = new Mailer(mailRoute, new Outbox(store), logger, settings.mailRetrySeconds * 1000);
    closers.push(() => mailer.close());

    const seedInto = async (target: Store) => {
      await seedStore(target, await preparing);
      const directory = new Directory(target);
      for (const client of [accountSettingsClient(issuer), debuggerClient(issuer)]) await directory.saveClient(client);
      await target.set(SEEDED_KEY, new Date().toISOString());
    };
    const seed = () => seedInto(store);
    // In one step: requests that come in meanwhile (an app polling while a test resets) meet the old
    // state or the new, never an empty store (clients unknown, users gone).
    const reset = async () => {
      await sharedClock.reset();
      await store.replaceAll(seedInto);
    };
    let mailMode = `MAIL=smtp: mails go to ${settings.smtpUrl}; read them there.`;
    const { provider: app, publicApi } = compose({
      settings,
      logger,
      store,
      sharedClock,
      issuer,
      selfUrl: reachableUrl(settings.host, port),
      keys,
      acr: acrSettingsOf(fixtureFile),
      reset,
      mailbox,
      mailer,
      mailMode: () => mailMode,
      closers,
    });

    // A shared store that already holds this prefix's state (a restart, a second replica) keeps it;
    // one that comes back empty after an outage is seeded again.
    const seedIfEmpty = async () => {
      if ((await store.get(SEEDED_KEY)) === undefined) await seed();
    };
    await seedIfEmpty();
    store.onReconnect(() => {
      logger.info(`${describeStore(settings)} answers again`);
      seedIfEmpty().catch((error: Error) => logger.warn(`re-seeding after the outage failed: ${error.message}`));
    });
    // Awaited here too: a store seeded already (a restart, a second replica) must not hide a failure to prepare them.
    const fixtures = await preparing;
    if (!clientsAcceptedBefore(fixtureFile)) {
      await validateClients(app, fixtures.clients, fixturesPath);
      rememberClientsAccepted(fixtureFile);
    }
    handle = app.callback();
    // The Public API's modules (its zod schemas among them) load on its first request, not on every start.
    const publicApiHandler = madeOnFirstUse(async () => (await publicApi()).callback());
    handlePublicApi = async (req, res) => {
      let handler: Handler;
      try {
        handler = await publicApiHandler();
      } catch (error) {
        logger.error(`the Public API could not be loaded: ${(error as Error).message}`);
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"temporarily_unavailable","error_description":"the Public API could not be loaded"}');
        return;
      }
      await handler(req, res);
    };

    // The embedded catcher starts once the server answers: its modules are not needed before.
    let mail: EmbeddedMail | undefined;
    if (settings.mail === 'embedded') {
      mail = await startEmbeddedMail(mailbox, settings, logger, closers);
      mailMode = `Embedded catcher: SMTP on port ${mail.smtpPort}, MailHog API at ${mail.apiUrl}`;
    }
    return { url, issuer, port, mail, publicApiUrl, store, clock, fixtureFile, reset, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

interface EmbeddedMail {
  smtpPort: number;
  apiUrl: string;
}

async function startEmbeddedMail(mailbox: Mailbox, settings: Settings, logger: Logger, closers: Closer[]): Promise<EmbeddedMail> {
  const catcher = await startSmtpCatcher(mailbox, settings.smtpPort, settings.host, logger).catch((error: NodeJS.ErrnoException) => {
    throw new StartupError(error.code === 'EADDRINUSE' ? `SMTP_PORT ${settings.smtpPort} is already in use (set SMTP_PORT, or 0 for a free one)` : error.message);
  });
  closers.push(() => catcher.close());
  // Receiving mail stays open on HOST (other containers send to it); reading it is guarded as /_mock is.
  const exposedWithoutToken = !isLoopback(settings.host) && settings.controlToken === undefined;
  if (exposedWithoutToken) logger.warn(`HOST=${settings.host} is beyond loopback and CONTROL_TOKEN is not set: the embedded MailHog API is off`);
  const access = { controlToken: settings.controlToken, exposedWithoutToken, corsOrigin: settings.mailApiCorsOrigin };
  const api = await startMailHogApi(mailbox, access, settings.mailApiPort, settings.host, logger).catch((error: NodeJS.ErrnoException) => {
    throw new StartupError(error.code === 'EADDRINUSE' ? `MAIL_API_PORT ${settings.mailApiPort} is already in use (set MAIL_API_PORT, or 0 for a free one)` : error.message);
  });
  closers.push(() => api.close());
  return { smtpPort: catcher.port, apiUrl: `http://${urlHost(settings.host)}:${api.port}` };
}

interface Parts {
  settings: Settings;
  logger: Logger;
  store: Store;
  sharedClock: SharedClock;
  issuer: string;
  /** Where the server reaches itself (the sign-in debugger calls the token endpoint as a client's back end would). */
  selfUrl: string;
  keys: Awaited<ReturnType<typeof loadSigningKeys>>;
  acr: AcrSettings;
  reset: () => Promise<void>;
  mailbox: Mailbox;
  mailer: Mailer;
  mailMode: () => string;
  closers: Closer[];
}

/**
 * Every route, in the order a request meets them; oidc-provider's own endpoints come last. The Public
 * API is an app of its own (its own listener), over the same accounts, made on its first request.
 */
function compose({ settings, logger, store, sharedClock, issuer, selfUrl, keys, acr, reset, mailbox, mailer, mailMode, closers }: Parts): { provider: Provider; publicApi: () => Promise<Koa> } {
  const { clock } = sharedClock;
  const accounts = new AccountRepository(store);
  const directory = new Directory(store);
  const acrSettings = () => directory.acr();
  const devices = new RememberedDevices(store, clock);
  const overrides = new RiskOverrides(store);
  const decisions = new DecisionLog(store, logger);
  const gate = new TwoFactorGate({ directory, devices, overrides, log: decisions, clock });
  const signIn = new SignInDecisions({ accounts, gate, devices, acrSettings });
  const attempts = new TwoFactorAttempts(store);
  const enrollment = new EnrollmentFlow(store, accounts, attempts, clock);
  const lockout = new LoginLockout(store);
  const tokens = new LinkTokens(store, accounts);
  const verifications = new EmailVerifications(store, clock);
  const mails = new AccountMails(issuer, mailer, tokens);
  const provisioning = new Provisioning({ directory, accounts, verifications, mails, clock });
  const ceremonies = new WebAuthnCeremonies(accounts, new WebAuthnChallenges(store), issuer, clock);
  const authenticators = new MockAuthenticators(store);

  const cookieKeys = settings.cookieKeys ?? [DEV_COOKIE_KEY];
  const sessionExpiry = new SessionExpiry(store, clock, VISMA_FACTS.session.seconds, (session) => logoutEndedSession(provider, session));
  const sessions = new SessionManagement(cookieKeys[0]!, VISMA_FACTS.session.seconds);
  const issuerKey = new IssuerKey(issuer, keys[0]!);
  const serviceTokens = new ServiceTokenTimes(store, clock);
  const requestAccounts = new RequestAccounts(accounts);
  const provider = createOidcProvider({
    issuer,
    keys,
    cookieKeys,
    adapter: sessionExpiry.trackingAdapter(createOidcAdapter(store, clock, { refreshTokenGraceSeconds: refreshTokenGrace(directory), client: (clientId) => directory.client(clientId) })),
    findAccount: createFindAccount(requestAccounts),
    accounts: requestAccounts,
    directory,
    loginChecks: signIn.checks,
    acr,
    issuerKey,
    sessions,
    serviceTokens,
  });
  keepClientsUntilChanged(provider, store);
  provider.proxy = settings.trustProxy;
  provider.on('server_error', (_ctx, error) => logger.error(`oidc-provider: ${error.stack ?? error.message}`));
  logKoaErrors(provider, logger, 'server');
  provider.on('backchannel.error', (_ctx, error, client) => logger.warn(`back-channel logout to ${client.clientId} failed: ${error.message}`));
  const sweepFailed = (error: Error) => logger.warn(`looking for ended sessions failed: ${error.message}`);
  closers.push(sessionExpiry.sweepEvery(SESSION_SWEEP_MS, sweepFailed, () => sharedClock.sync()));

  const faults = new Faults(store);
  const exposedWithoutToken = !isLoopback(settings.host) && settings.controlToken === undefined;
  if (exposedWithoutToken) logger.warn(`HOST=${settings.host} is beyond loopback and CONTROL_TOKEN is not set: the /_mock control plane is off`);
  const access = { token: settings.controlToken, exposedWithoutToken, issuer };
  const control = controlGuards(access);
  const formTokens = new CsrfTokens(cookieKeys);
  if (!exposedWithoutToken) allowDebuggerRedirects(provider, issuer);
  const pages = new InteractionPages(provider, accounts, new LoginStates(store), acrSettings, clock);
  // Each router is asked only for paths under its routes' first segments; the control room, the
  // control plane and the mailbox (~6 ms of a start: their routes' patterns compiled), the debugger,
  // the provisioning API and Account Settings are made on the first request under their paths.
  const routes = [
    routesOnFirstUse(CONTROL_PATH, async () => [
      // Before the control plane's routes: the room answers the browsers among their callers.
      ...controlRoomRoutes({ access, logger, clock: sharedClock, store, directory, accounts, lockout, attempts, devices, overrides, decisions, faults, formTokens, reset, provider, passwordHashCost: settings.passwordHashCost }),
      controlRoutes({ guards: control, sharedClock, clock, logger, reset, accounts, gate, overrides, decisions, store, directory, provider, faults, passwordHashCost: settings.passwordHashCost, authenticators, ceremonies }),
      mailboxPage(mailbox, mailMode, control),
    ]),
    routesOnFirstUse(DEBUGGER_PATH, async () => {
      const { debuggerRoutes, DebuggerRuns, EndpointClient, TokenDecoder } = await import('./debugger/index.js');
      return debuggerRoutes({
        provider,
        issuer,
        runs: new DebuggerRuns(store, clock),
        endpoints: new EndpointClient(selfUrl),
        decoder: new TokenDecoder(issuer, keys),
        decisions,
        accounts,
        acrSettings,
        clientIds: async () => (await directory.fixtureClients()).map((client) => client.client_id),
        guards: control,
        controlToken: settings.controlToken,
      });
    }),
    routesOnFirstUse(API_PATH, async () => {
      const { apiRoutes } = await import('./api/index.js');
      return [apiRoutes({ issuer, signingKeys: keys, tokenTimes: serviceTokens, provisioning, mails })];
    }),
    routesBySegment(loginRoutes({ issuer, pages, signIn, devices, attempts, lockout, tokens, mails, enrollment, ceremonies })),
    routesBySegment(selfServiceRoutes({ issuer, accounts, tokens, lockout, mails, verifications, confirmVerification: (v) => provisioning.complete(v), passwordHashCost: settings.passwordHashCost })),
    routesOnFirstUse(ACCOUNT_PATH, async () => {
      const { accountSettingsRoutes, AccountSettingsSessions } = await import('./account-settings/index.js');
      const sessions = new AccountSettingsSessions(store);
      return [accountSettingsRoutes({ provider, accounts, attempts, directory, issuer, mails, lockout, passwordHashCost: settings.passwordHashCost, formTokens, enrollment, ceremonies, sessions })];
    }),
  ];

  provider.use(validHost());
  provider.use(storeGuard(store, () => sharedClock.sync(), describeStore(settings)));
  provider.use(sessionExpiry.sweepOnRequests(sweepFailed));
  // Our JSON APIs answer errors as JSON; pages (and oidc-provider's endpoints, past their own handler) as the client asks.
  provider.use(errorEdge(logger, (ctx) => (ctx.path.startsWith('/api/') || ctx.path.startsWith('/_mock/') ? jsonShape : negotiatedShape)));
  provider.use(formPostAsQuery());
  provider.use(postedFormsOnly());
  provider.use(faultInjection(faults, provider));
  // The client_credentials successes it can prove are answered here, without oidc-provider's stack; the rest goes on.
  provider.use(clientCredentialsGrant({ provider, issuer, keys, directory, serviceTokens }));
  provider.use(staticAssets());
  // The protocol as Visma Connect (IdentityServer) speaks it, around oidc-provider's own endpoints.
  provider.use(unsignedRequestObjects(() => clock.nowSeconds()));
  provider.use(accessTokensByIdAtIntrospection(issuerKey));
  provider.use(vismaDiscovery(PROMPT_VALUES));
  provider.use(tokenErrorsAsBadRequest());
  provider.use(sessions.checkSessionIframe());
  provider.use(sessions.clearOnSignOut());
  provider.use(frontchannelLogout(provider));
  provider.use(jsonNotFoundUnder('/api', 'the provisioning API is under /api/v1 (see the README)'));
  for (const route of routes) provider.use(route);

  const publicApi = async () => {
    const { errorCodesOnErrorBodies, notFound, PublicApiDirectory, publicApiRoutes, publicApiShape, requireToken } = await import('./public-api/index.js');
    const app = new Koa();
    logKoaErrors(app, logger, 'public API');
    app.use(errorEdge(logger, () => publicApiShape));
    app.use(errorCodesOnErrorBodies());
    app.use(storeGuard(store, () => sharedClock.sync(), describeStore(settings)));
    app.use(requireToken(issuer, keys, serviceTokens));
    app.use(publicApiRoutes(new PublicApiDirectory({ directory, accounts, lockout, mails, clock }), settings.passwordHashCost).routes());
    app.use(notFound);
    return app;
  };
  return { provider, publicApi };
}

function listen(server: Server, port: number, host: string, setting: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new StartupError(error.code === 'EADDRINUSE' ? `${setting} ${port} on ${host} is already in use (set ${setting}, or 0 for a free one)` : error.message)));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The bound address as this process can call it: a wildcard address is reached on loopback. */
function reachableUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return `http://${urlHost(host)}:${port}`;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}
