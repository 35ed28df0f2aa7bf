import type { Router } from '@koa/router';
import type Provider from 'oidc-provider';
import { parse as parseYaml } from 'yaml';
import { FixtureError, mergeFixtures, tenantKey, validateFixtures, type FixtureFile } from '../fixtures/index.js';
import { toClientMetadata } from '../fixtures/prepare.js';
import { HttpError, readJson } from '../http/index.js';
import { validateClients } from '../oidc/index.js';
import type { Store } from '../store/index.js';
import { Faults, parseFault } from './faults.js';

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
      overlay = validateFixtures(document, SOURCE, await knownTenants(store, document));
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

/** The tenants the overlay's users may name: those already loaded. */
async function knownTenants(store: Store, document: unknown): Promise<string[]> {
  const users = (document as { users?: { tenants?: unknown }[] } | null)?.users;
  const named = Array.isArray(users) ? users.flatMap((user) => (Array.isArray(user?.tenants) ? user.tenants.filter((t): t is string => typeof t === 'string') : [])) : [];
  const found = await Promise.all([...new Set(named)].map(async (id) => ((await store.get(tenantKey(id))) ? id : undefined)));
  return found.filter((id): id is string => id !== undefined);
}

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
