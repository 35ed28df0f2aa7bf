import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accountSettingsClient, accountSettingsRoutes, ACCOUNT_SETTINGS_CLIENT_ID } from './account-settings/index.js';
import { AccountRepository, TwoFactorAttempts } from './accounts/index.js';
import { projectPath, type Settings } from './config/index.js';
import { controlRoutes } from './control/index.js';
import { ACR_SETTINGS_KEY, DEFAULT_ACR, prepareFixtures, readFixtureFile, seedStore, tenantKey, type AcrSettings, type PreparedFixtures } from './fixtures/index.js';
import { createLogger, healthCheck, lastResort, staticAssets, type Logger } from './http/index.js';
import { InteractionPages, LoginStates, loginRoutes } from './login/index.js';
import { createFindAccount, createOidcProvider, loadSigningKeys, validateClients } from './oidc/index.js';
import { RememberedDevices, RiskOverrides } from './risk/index.js';
import { clientKey, createOidcAdapter, MemoryStore, type Store } from './store/index.js';
import { clock } from './time/index.js';
import { createLoginChecks, DecisionLog, TwoFactorGate } from './twofactor/index.js';

export const DEFAULT_FIXTURES_PATH = projectPath('fixtures', 'default.yaml');
const REFRESH_TOKEN_GRACE_SECONDS = 5;
/** Test-only, like the dev signing key: sessions survive restarts and replicas agree. COOKIE_KEYS overrides it. */
const DEV_COOKIE_KEY = 'mock-visma-connect development cookie key (test-only)';

export interface RunningEmulator {
  /** The base URL the server answers on (its bound address). */
  url: string;
  issuer: string;
  port: number;
  store: Store;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Starts the emulator: reads fixtures and keys, seeds the store, and serves oidc-provider with our
 * routes mounted in front of it. Until everything is ready the port answers 503.
 */
export async function startEmulator(settings: Settings, logger: Logger = createLogger(settings.logLevel)): Promise<RunningEmulator> {
  clock.install();
  if (settings.store === 'redis') throw new StartupError('STORE=redis is not available yet: the Redis store is still being built (use STORE=memory)');

  const fixturesPath = settings.fixturesPath ?? DEFAULT_FIXTURES_PATH;
  const [fixtures, keys] = await Promise.all([
    readFixtureFile(fixturesPath).then((file) => prepareFixtures(file, settings.passwordHashCost)),
    loadSigningKeys(settings.signingKeysPath),
  ]);

  let handle: Handler = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"status":"starting"}');
  };
  const server = createServer((req, res) => handle(req, res));
  const port = await listen(server, settings.port, settings.host);
  const url = `http://${urlHost(settings.host)}:${port}`;
  const issuer = settings.issuer ?? `http://localhost:${port}`;

  const store = new MemoryStore();
  const seed = async () => {
    await seedStore(store, fixtures);
    await store.set(clientKey(ACCOUNT_SETTINGS_CLIENT_ID), accountSettingsClient(issuer));
  };
  const reset = async () => {
    await store.clear();
    clock.reset();
    await seed();
  };
  await seed();

  let app: ReturnType<typeof compose>;
  try {
    app = compose({ settings, logger, store, issuer, keys, fixtures, reset });
    await validateClients(app, fixtures.clients, fixturesPath);
  } catch (error) {
    await close(server, store);
    throw error;
  }
  handle = app.callback();

  return { url, issuer, port, store, reset, close: () => close(server, store) };
}

interface Parts {
  settings: Settings;
  logger: Logger;
  store: Store;
  issuer: string;
  keys: Awaited<ReturnType<typeof loadSigningKeys>>;
  fixtures: PreparedFixtures;
  reset: () => Promise<void>;
}

/** Every route, in the order a request meets them; oidc-provider's own endpoints come last. */
function compose({ settings, logger, store, issuer, keys, fixtures, reset }: Parts) {
  const accounts = new AccountRepository(store);
  const acrSettings = async () => (await store.get<AcrSettings>(ACR_SETTINGS_KEY)) ?? DEFAULT_ACR;
  const devices = new RememberedDevices(store);
  const overrides = new RiskOverrides(store);
  const decisions = new DecisionLog(store, logger);
  const gate = new TwoFactorGate({ store, devices, overrides, log: decisions });
  const attempts = new TwoFactorAttempts(store);

  const provider = createOidcProvider({
    issuer,
    keys,
    cookieKeys: settings.cookieKeys ?? [DEV_COOKIE_KEY],
    adapter: createOidcAdapter(store, { refreshTokenGraceSeconds: REFRESH_TOKEN_GRACE_SECONDS }),
    findAccount: createFindAccount(accounts),
    tenantExists: async (tenantId) => (await store.get(tenantKey(tenantId))) !== undefined,
    loginChecks: createLoginChecks({ accounts, gate, devices, acrSettings }),
    acr: fixtures.acr,
  });
  provider.proxy = settings.trustProxy;
  provider.on('server_error', (_ctx, error) => logger.error(`oidc-provider: ${error.stack ?? error.message}`));
  provider.on('backchannel.error', (_ctx, error, client) => logger.warn(`back-channel logout to ${client.clientId} failed: ${error.message}`));

  const pages = new InteractionPages(provider, accounts, new LoginStates(store), acrSettings);
  const login = loginRoutes({ pages, gate, devices, attempts });
  const account = accountSettingsRoutes({ provider, accounts, attempts, store, issuer });
  const control = controlRoutes({ clock, controlToken: settings.controlToken, logger, reset, accounts, gate, overrides, decisions, store });

  provider.use(lastResort(logger));
  provider.use(healthCheck());
  provider.use(staticAssets());
  provider.use(control.routes());
  provider.use(login.routes());
  provider.use(account.routes());
  return provider;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new StartupError(error.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use (set PORT, or 0 for a free one)` : error.message)),
    );
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

async function close(server: Server, store: Store): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
  await store.close();
}
