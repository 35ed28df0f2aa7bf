import type { ClientMetadata } from 'oidc-provider';
import { currentTotp, MAX_FAILED_PASSWORDS, MAX_WRONG_CODES, type Account, type AccountRepository, type LoginLockout, type TwoFactorAttempts } from '../accounts/index.js';
import { CLIENT_IDS_KEY, domainKey, DOMAIN_NAMES_KEY, TENANT_IDS_KEY, tenantKey, type DomainFixture, type TenantFixture } from '../fixtures/index.js';
import type { AppPolicy, DomainPolicy } from '../policy/index.js';
import type { RememberedDevice, RememberedDevices } from '../risk/index.js';
import { clientKey, type Store } from '../store/index.js';
import { appPolicyOf, domainPolicyOf } from '../twofactor/index.js';

const TOTP_PERIOD = 30;

export interface WorldUser {
  email: string;
  name: string;
  sub: string;
  domainPolicy: DomainPolicy;
  tenants: string[];
  enrolled: boolean;
  /** The authenticator's code now and the seconds it is still valid (enrolled users). */
  totp: { code: string; secondsLeft: number } | undefined;
  failedPasswords: number;
  lockedOut: boolean;
  wrongCodes: number;
  twoFactorLocked: boolean;
  suspended: boolean;
  rememberedDevices: RememberedDevice[];
}

export interface WorldApp {
  clientId: string;
  name: string;
  twoFactor: AppPolicy;
  /** Users sign in to it (authorization code); service clients only take tokens. */
  signsIn: boolean;
  grantTypes: readonly string[];
}

/** Everything loaded right now, as the control room shows it. */
export interface World {
  tenants: TenantFixture[];
  domains: DomainFixture[];
  apps: WorldApp[];
  users: WorldUser[];
}

export interface WorldDependencies {
  store: Store;
  accounts: AccountRepository;
  lockout: LoginLockout;
  attempts: TwoFactorAttempts;
  devices: RememberedDevices;
}

/** Reads the world from the store (what fixtures, merges and sign-ins made of it), in a stable order. */
export async function readWorld(deps: WorldDependencies, nowSeconds: number): Promise<World> {
  const { store } = deps;
  const [tenantIds, domainNames, clientIds, accounts] = await Promise.all([
    store.setMembers(TENANT_IDS_KEY),
    store.setMembers(DOMAIN_NAMES_KEY),
    store.setMembers(CLIENT_IDS_KEY),
    deps.accounts.all(),
  ]);
  const [tenants, domains, clients, users] = await Promise.all([
    Promise.all(tenantIds.map((id) => store.get<TenantFixture>(tenantKey(id)))),
    Promise.all(domainNames.map((name) => store.get<DomainFixture>(domainKey(name)))),
    Promise.all(clientIds.map((id) => store.get<ClientMetadata>(clientKey(id)))),
    Promise.all(accounts.map((account) => userOf(deps, account, nowSeconds))),
  ]);
  return {
    tenants: defined(tenants).sort(by((tenant) => tenant.name)),
    domains: defined(domains).sort(by((domain) => domain.name)),
    apps: defined(clients).map(appOf).sort(by((app) => app.clientId)),
    users: users.sort(by((user) => user.email)),
  };
}

function appOf(client: ClientMetadata): WorldApp {
  const grantTypes = client.grant_types ?? ['authorization_code'];
  return {
    clientId: client.client_id,
    name: client.client_name ?? client.client_id,
    twoFactor: appPolicyOf(client),
    signsIn: grantTypes.includes('authorization_code') || grantTypes.includes('implicit'),
    grantTypes,
  };
}

async function userOf({ store, lockout, attempts, devices }: WorldDependencies, account: Account, nowSeconds: number): Promise<WorldUser> {
  const [domainPolicy, failedPasswords, wrongCodes, rememberedDevices, code] = await Promise.all([
    domainPolicyOf(store, account.email),
    lockout.failures(account.sub),
    attempts.failures(account.sub),
    devices.rememberedBy(account.sub),
    account.totpSecret === undefined ? undefined : currentTotp(account.totpSecret, nowSeconds),
  ]);
  return {
    email: account.email,
    name: [account.givenName, account.familyName].filter(Boolean).join(' '),
    sub: account.sub,
    domainPolicy,
    tenants: account.tenants,
    enrolled: account.totpSecret !== undefined,
    totp: code === undefined ? undefined : { code, secondsLeft: TOTP_PERIOD - (nowSeconds % TOTP_PERIOD) },
    failedPasswords,
    lockedOut: failedPasswords >= MAX_FAILED_PASSWORDS,
    wrongCodes,
    twoFactorLocked: wrongCodes >= MAX_WRONG_CODES,
    suspended: account.suspended ?? false,
    rememberedDevices,
  };
}

const defined = <T>(values: (T | undefined)[]): T[] => values.filter((value): value is T => value !== undefined);
const by = <T>(key: (value: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));
