import type Provider from 'oidc-provider';
import { AccountRepository, emailKey } from '../accounts/index.js';
import type { Directory } from '../directory/index.js';
import { FixtureError, mergeFixtures, type FixtureFile, type KnownFixtures } from '../fixtures/index.js';
import { toClientMetadata } from '../fixtures/prepare.js';
import { validateClients } from '../oidc/index.js';
import type { Store } from '../store/index.js';

export interface FixtureOverlayDependencies {
  store: Store;
  directory: Directory;
  provider: Provider;
  passwordHashCost: number;
}

export interface MergedOverlay {
  status: 'merged';
  tenants: number;
  domains: number;
  clients: number;
  users: number;
}

/**
 * Fixtures merged at run time (`POST /_mock/fixtures`, the control room's editor): checked against the
 * schema, the tenants and clients already loaded, and oidc-provider's client rules; a FixtureError
 * names the first problem by path.
 */
export async function checkOverlay({ directory, provider, store }: FixtureOverlayDependencies, document: unknown, source: string): Promise<FixtureFile> {
  const [{ validateFixtures }, known] = await Promise.all([import('../fixtures/parse.js'), knownFixtures(directory, document)]);
  const overlay = validateFixtures(document, source, known);
  await checkUserIds(new AccountRepository(store), overlay.users, source);
  await validateClients(provider, overlay.clients.map(toClientMetadata), source);
  return overlay;
}

/**
 * A user given with a `sub` replaces the account with that sub and address, or is a new one: a sub that
 * is already another address's account, or an address whose account has another sub, would leave two
 * records claiming one id or one address (the first overwritten under the other's address, or the old
 * account left behind beside the new).
 */
async function checkUserIds(accounts: AccountRepository, users: FixtureFile['users'], source: string): Promise<void> {
  for (const [index, user] of users.entries()) {
    if (user.sub === undefined) continue;
    const { email } = user;
    const sub = user.sub.toLowerCase(); // as prepareFixtures stores it
    const [bySub, byEmail] = await Promise.all([accounts.findBySub(sub), accounts.findByEmail(email)]);
    if (bySub && emailKey(bySub.email) !== emailKey(email)) throw new FixtureError(source, `users[${index}].sub`, `is already the sub of ${bySub.email}: give another, or leave it out for a new one`);
    if (byEmail && byEmail.sub !== sub) throw new FixtureError(source, `users[${index}].sub`, `${byEmail.email} already has sub ${byEmail.sub}: give that one, or leave sub out, to replace the user`);
  }
}

export async function mergeOverlay(deps: FixtureOverlayDependencies, document: unknown, source: string): Promise<MergedOverlay> {
  const overlay = await checkOverlay(deps, document, source);
  await mergeFixtures(deps.store, overlay, deps.passwordHashCost);
  return { status: 'merged', tenants: overlay.tenants.length, domains: overlay.domains.length, clients: overlay.clients.length, users: overlay.users.length };
}

/** The tenants and clients the overlay refers to that are already loaded. */
async function knownFixtures(directory: Directory, document: unknown): Promise<KnownFixtures> {
  const { tenants, users, clients } = (document ?? {}) as { tenants?: unknown; users?: unknown; clients?: unknown };
  const tenantIds = new Set([...field(users, 'tenants'), ...field(clients, 'tenants')].filter(isString));
  const clientIds = new Set([...field(tenants, 'applications'), ...field(field(users, 'applicationRoles'), 'application')].filter(isString));
  const [tenantsFound, clientsFound] = await Promise.all([
    Promise.all(
      [...tenantIds].map(async (id) => {
        const tenant = await directory.tenant(id);
        return tenant && { id, applications: tenant.applications ?? [] };
      }),
    ),
    Promise.all(
      [...clientIds].map(async (clientId) => {
        const client = await directory.client(clientId);
        return client && { clientId, roles: client.roles ?? [] };
      }),
    ),
  ]);
  return { tenants: tenantsFound.filter(isDefined), clients: clientsFound.filter(isDefined) };
}

/** `list[*][key]` of a list not yet validated, lists flattened: what is there. */
function field(list: unknown, key: string): unknown[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const value = (item as Record<string, unknown> | null)?.[key];
    return Array.isArray(value) ? (value as unknown[]) : [value];
  });
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isDefined = <T>(value: T | undefined): value is T => value !== undefined;
