import type { Router } from '@koa/router';
import { FixtureError } from '../fixtures/index.js';
import { BodyTooLarge, InvalidRequest } from '../errors/index.js';
import { readJson } from '../http/index.js';
import { type Faults, parseFault } from './faults.js';
import { mergeOverlay, type FixtureOverlayDependencies } from './fixture-overlay.js';

export interface FixtureAndFaultDependencies extends FixtureOverlayDependencies {
  faults: Faults;
}

const SOURCE = 'POST /_mock/fixtures';

/** `POST /_mock/fixtures` merges more fixtures; `/_mock/faults` makes the next requests to an endpoint fail or wait. */
export function fixtureAndFaultRoutes(router: Router, deps: FixtureAndFaultDependencies): void {
  const { faults } = deps;
  router.post('/fixtures', async (ctx) => {
    const document = ctx.is('application/yaml', 'text/yaml') ? await readYaml(ctx.req) : await readJson(ctx);
    try {
      ctx.body = await mergeOverlay(deps, document, SOURCE);
    } catch (error) {
      if (error instanceof FixtureError) throw new InvalidRequest(error.message, 'invalid_fixtures');
      throw error;
    }
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

async function readYaml(stream: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new BodyTooLarge('the fixtures are larger than 1 MiB');
    chunks.push(chunk);
  }
  const { parse: parseYaml } = await import('yaml');
  try {
    return parseYaml(Buffer.concat(chunks).toString('utf8')) ?? {};
  } catch (error) {
    throw new InvalidRequest(`${SOURCE}: is not valid YAML: ${(error as Error).message.split('\n')[0]}`, 'invalid_fixtures');
  }
}
