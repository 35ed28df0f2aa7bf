import { currentTotp, type Account, type AccountRepository, type LoginLockout, type TwoFactorAttempts } from '../accounts/index.js';
import { VISMA_FACTS } from '../config/index.js';
import type { Application, Directory, Domain, Tenant } from '../directory/index.js';
import type { AppPolicy, DomainPolicy } from '../policy/index.js';
import type { RememberedDevice, RememberedDevices } from '../risk/index.js';
import { appPolicyOf } from '../twofactor/index.js';

const TOTP_PERIOD = VISMA_FACTS.twoFactor.totp.periodSeconds;
const MAX_FAILED_PASSWORDS = VISMA_FACTS.password.lockout.maxFailures;
const MAX_WRONG_CODES = VISMA_FACTS.twoFactor.lockout.maxFailures;

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
  tenants: Tenant[];
  domains: Domain[];
  apps: WorldApp[];
  users: WorldUser[];
}

export interface WorldDependencies {
  directory: Directory;
  accounts: AccountRepository;
  lockout: LoginLockout;
  attempts: TwoFactorAttempts;
  devices: RememberedDevices;
}

/** Reads the world from the store (what fixtures, merges and sign-ins made of it), in a stable order. */
export async function readWorld(deps: WorldDependencies, nowSeconds: number): Promise<World> {
  const { directory } = deps;
  const [tenants, domains, clients, users] = await Promise.all([
    directory.allTenants(),
    directory.allDomains(),
    directory.fixtureClients(),
    deps.accounts.all().then((accounts) => Promise.all(accounts.map((account) => userOf(deps, account, nowSeconds)))),
  ]);
  return {
    tenants: tenants.sort(by((tenant) => tenant.name)),
    domains: domains.sort(by((domain) => domain.name)),
    apps: clients.map(appOf).sort(by((app) => app.clientId)),
    users: users.sort(by((user) => user.email)),
  };
}

function appOf(client: Application): WorldApp {
  const grantTypes = client.grant_types ?? ['authorization_code'];
  return {
    clientId: client.client_id,
    name: client.client_name ?? client.client_id,
    twoFactor: appPolicyOf(client),
    signsIn: grantTypes.includes('authorization_code') || grantTypes.includes('implicit'),
    grantTypes,
  };
}

async function userOf({ directory, lockout, attempts, devices }: WorldDependencies, account: Account, nowSeconds: number): Promise<WorldUser> {
  const [domainPolicy, failedPasswords, wrongCodes, rememberedDevices, code] = await Promise.all([
    directory.domainPolicy(account.email),
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

const by =
  <T>(key: (value: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));
