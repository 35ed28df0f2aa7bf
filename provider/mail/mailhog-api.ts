import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParsedUrlQuery } from 'node:querystring';
import { Readable } from 'node:stream';
import { Router } from '@koa/router';
import Koa, { type Context } from 'koa';
import { logKoaErrors, type Logger } from '../http/index.js';
import { StoreOutageError } from '../store/index.js';
import { mailApiAccess, type MailApiAccess } from './mail-api-access.js';
import { MAILBOX_MAX_MESSAGES, type Mailbox, type MailPage } from './mailbox.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 250;

/** A query parameter as Go's `Query().Get` and `strconv.Atoi` read it: the first value, whole decimal digits with a sign, or NaN. */
function atoi(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
}

/** MailHog's `start`/`limit` reading: bad or non-positive values (`1e9`, `1.5`, `abc`) fall back to the defaults. */
function startLimit(query: ParsedUrlQuery): { start: number; limit: number } {
  const start = atoi(query['start']);
  const limit = atoi(query['limit']);
  return { start: start > 0 ? start : 0, limit: limit > 0 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT };
}

/**
 * A JSON list of the mails' stored JSON texts, sent piece by piece: nothing is parsed again or joined
 * into one more string as long as the mails themselves.
 */
function sendList(ctx: Context, type: string, items: string[], around: [string, string] = ['[', ']']): void {
  const pieces = [around[0], ...items.flatMap((item, i) => (i === 0 ? [item] : [',', item])), around[1]];
  ctx.body = Readable.from(pieces);
  ctx.type = type;
  ctx.length = pieces.reduce((bytes, piece) => bytes + Buffer.byteLength(piece), 0);
}

const pageOf = ({ total, start, items }: MailPage): [string, string] => [`{"total":${total},"count":${items.length},"start":${start},"items":[`, ']}'];

/** MailHog's HTTP API as its server really answers (v2 list and search, v1 message and delete). */
function mailHogApi(mailbox: Mailbox, access: MailApiAccess): Koa {
  const app = new Koa();
  const router = new Router({ prefix: '/api' });

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof StoreOutageError)) throw error;
      ctx.status = 503;
      ctx.set('retry-after', '2');
      ctx.body = { error: error.message, error_description: error.error_description };
    }
  });
  app.use(mailApiAccess(access));

  router.get('/v2/messages', async (ctx) => {
    const { start, limit } = startLimit(ctx.query);
    const page = await mailbox.page(start, limit);
    sendList(ctx, 'text/json', page.items, pageOf(page));
  });

  router.get('/v2/search', async (ctx) => {
    const kind = ctx.query['kind'];
    const query = typeof ctx.query['query'] === 'string' ? ctx.query['query'] : '';
    if ((kind !== 'from' && kind !== 'to' && kind !== 'containing') || query === '') {
      ctx.status = 400;
      return;
    }
    const { start, limit } = startLimit(ctx.query);
    const page = await mailbox.page(start, limit, { kind, query });
    sendList(ctx, 'application/json', page.items, pageOf(page));
  });

  router.get('/v1/messages', async (ctx) => {
    sendList(ctx, 'text/json', (await mailbox.page(0, MAILBOX_MAX_MESSAGES)).items);
  });

  // MailHog answers deletes with 200 and an empty body (Koa's default would be "OK", which the npm
  // client tries to parse as JSON).
  router.delete('/v1/messages', async (ctx) => {
    await mailbox.delete();
    ctx.type = 'text/json';
    ctx.body = '';
  });

  router.get('/v1/messages/:id', async (ctx) => {
    const text = await mailbox.text(ctx.params.id!);
    if (text === undefined) {
      ctx.status = 404;
      return;
    }
    ctx.type = 'text/json';
    ctx.body = text;
  });

  router.delete('/v1/messages/:id', async (ctx) => {
    if (await mailbox.delete(ctx.params.id)) ctx.body = '';
    else ctx.status = 404;
  });

  app.use(router.routes());
  return app;
}

export async function startMailHogApi(mailbox: Mailbox, access: MailApiAccess, port: number, host: string, logger: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const app = mailHogApi(mailbox, access);
  logKoaErrors(app, logger, 'MailHog API');
  const handle = app.callback();
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
