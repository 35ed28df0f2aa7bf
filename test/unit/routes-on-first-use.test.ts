import { once } from 'node:events';
import { Router } from '@koa/router';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { routesOnFirstUse } from '../../provider/http/routes-on-first-use.js';

/** An app with routes made on first use under /lazy, then a last middleware; `make` is called as the routes are asked for. */
async function withApp(make: () => Promise<Router[]>, body: (get: (path: string) => Promise<{ status: number; text: string }>) => Promise<void>): Promise<void> {
  const app = new Koa();
  app.silent = true;
  app.use(routesOnFirstUse('/lazy', make));
  app.use((ctx) => {
    ctx.body = 'passed on';
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as { port: number };
    await body(async (path) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, text: await response.text() };
    });
  } finally {
    server.close();
  }
}

const lazyRouter = () => {
  const router = new Router();
  router.get('/lazy/page', (ctx) => {
    ctx.body = 'lazy page';
  });
  return router;
};

describe('routes made on their first use', () => {
  it('makes them once, on the first request under their path, and passes every other path on without making them', async () => {
    let made = 0;
    await withApp(
      async () => {
        made += 1;
        return [lazyRouter()];
      },
      async (get) => {
        expect(await get('/elsewhere')).toEqual({ status: 200, text: 'passed on' });
        expect(made).toBe(0);
        expect(await Promise.all([get('/lazy/page'), get('/lazy/page')])).toEqual([
          { status: 200, text: 'lazy page' },
          { status: 200, text: 'lazy page' },
        ]);
        expect(await get('/lazy/other')).toEqual({ status: 200, text: 'passed on' });
        expect(made).toBe(1);
      },
    );
  });

  it('tries again on the next request when making them failed', async () => {
    let attempts = 0;
    await withApp(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('the module could not be read');
        return [lazyRouter()];
      },
      async (get) => {
        expect((await get('/lazy/page')).status).toBe(500);
        expect(await get('/lazy/page')).toEqual({ status: 200, text: 'lazy page' });
        expect(attempts).toBe(2);
      },
    );
  });
});
