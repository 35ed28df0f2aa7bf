import type { Router } from '@koa/router';
import type Provider from 'oidc-provider';
import { parse as parseYaml } from 'yaml';
import { FixtureError, mergeFixtures, tenantKey, validateFixtures, type FixtureFile, type KnownFixtures, type TenantFixture } from '../fixtures/index.js';
import { toClientMetadata } from '../fixtures/prepare.js';
import { HttpError, readJson } from '../http/index.js';
import { validateClients } from '../oidc/index.js';
import { clientKey, type Store } from '../store/index.js';
import { type Faults, parseFault } from './faults.js';

export interface FixtureAndFaultDependencies {
  store: Store;
  provider: Provider;
  faults: Faults;
  passwordHashCost: number;
}

const SOURCE = 'POST /_mock/fixtures';

/** `POST /_mock/fixtures` merges more fixtures; `/_mock/faults` makes the next requests to an endpoint fail or wait. */
export function fixtureAndFaultRoutes(router: Router, { store, provider, faults, passwordHashCost }: FixtureAndFaultDependencies): void {
  router.post('/fixtures', async (ctx) => {
    const document = ctx.is('application/yaml', 'text/yaml') ? await readYaml(ctx.req) : await readJson(ctx);
    let overlay: FixtureFile;
    try {
      overlay = validateFixtures(document, SOURCE, await knownFixtures(store, document));
      await validateClients(provider, overlay.clients.map(toClientMetadata), SOURCE);
    } catch (error) {
      if (error instanceof FixtureError) throw new HttpError(400, 'invalid_fixtures', error.message);
      throw error;
    }
    await mergeFixtures(store, overlay, passwordHashCost);
    ctx.body = { status: 'merged', tenants: overlay.tenants.length, domains: overlay.domains.length, clients: overlay.clients.length, users: overlay.users.length };
  });

  router.get('/faults', async (ctx) => {
    ctx.body = { faults: await faults.list() };
  });

  router.post('/faults', async (ctx) => {
    const fault = parseFault(await readJson(ctx));
    await faults.add(fault);
    ctx.status = 201;
    ctx.body = fault;
  });

  router.delete('/faults', async (ctx) => {
    await faults.clear();
    ctx.status = 204;
  });
}

/** The tenants and clients the overlay refers to that are already loaded. */
async function knownFixtures(store: Store, document: unknown): Promise<KnownFixtures> {
  const { tenants, users } = (document ?? {}) as { tenants?: unknown; users?: unknown };
  const tenantIds = new Set(field(users, 'tenants').filter(isString));
  const clientIds = new Set([...field(tenants, 'applications'), ...field(field(users, 'applicationRoles'), 'application')].filter(isString));
  const [tenantsFound, clientsFound] = await Promise.all([
    Promise.all([...tenantIds].map(async (id) => {
      const tenant = await store.get<Partial<TenantFixture>>(tenantKey(id));
      return tenant && { id, applications: tenant.applications ?? [] };
    })),
    Promise.all([...clientIds].map(async (clientId) => {
      const client = await store.get<{ roles?: string[] }>(clientKey(clientId));
      return client && { clientId, roles: client.roles ?? [] };
    })),
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

async function readYaml(stream: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new HttpError(413, 'invalid_request', 'the fixtures are larger than 1 MiB');
    chunks.push(chunk);
  }
  try {
    return parseYaml(Buffer.concat(chunks).toString('utf8')) ?? {};
  } catch (error) {
    throw new HttpError(400, 'invalid_fixtures', `${SOURCE}: is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
