import { Router } from '@koa/router';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { guardedRouter } from '../../provider/http/guarded-router.js';
import { routesBySegment } from '../../provider/http/segment-gate.js';

/** Runs `path` through the gated router, then a last middleware: who answered it. */
async function answer(router: Router, method: string, path: string): Promise<string> {
  const app = new Koa();
  app.use(routesBySegment(router));
  app.use((ctx) => {
    ctx.body = 'passed on';
  });
  const server = app.listen(0);
  try {
    const { port } = server.address() as { port: number };
    return await (await fetch(`http://127.0.0.1:${port}${path}`, { method })).text();
  } finally {
    server.close();
  }
}

describe('a router behind the first-segment check', () => {
  const routed = () => {
    const router = guardedRouter(undefined);
    router.get('/interaction/:uid', (ctx) => {
      ctx.body = `interaction ${ctx.params['uid']}`;
    });
    router.post('/forgot', (ctx) => {
      ctx.body = 'forgot';
    });
    router.get('/', (ctx) => {
      ctx.body = 'root';
    });
    return router;
  };

  it('answers the paths its routes match, under each of their first segments', async () => {
    expect(await answer(routed(), 'GET', '/interaction/abc')).toBe('interaction abc');
    expect(await answer(routed(), 'POST', '/forgot')).toBe('forgot');
    expect(await answer(routed(), 'GET', '/')).toBe('root');
  });

  it('passes on a path under another first segment, and one under its segments that no route matches', async () => {
    expect(await answer(routed(), 'GET', '/connect/authorize')).toBe('passed on');
    expect(await answer(routed(), 'GET', '/interactions/abc')).toBe('passed on');
    expect(await answer(routed(), 'GET', '/forgot')).toBe('passed on');
  });

  it('honours a prefix, and case-insensitive routes in any case', async () => {
    const router = new Router({ prefix: '/v1.0' });
    router.get('/users', (ctx) => {
      ctx.body = 'users';
    });
    expect(await answer(router, 'GET', '/V1.0/USERS')).toBe('users');
    expect(await answer(router, 'GET', '/v2.0/users')).toBe('passed on');
  });

  it('always asks a router with a route whose first segment is a parameter', async () => {
    const router = new Router({ sensitive: true });
    router.get('/:name', (ctx) => {
      ctx.body = `hello ${ctx.params['name']}`;
    });
    expect(await answer(router, 'GET', '/anything')).toBe('hello anything');
  });
});
