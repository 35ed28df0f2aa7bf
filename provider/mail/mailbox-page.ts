import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { InvalidRequest, NotFound } from '../errors/index.js';
import { guardedRouter, sendPage } from '../http/index.js';
import { negotiateLanguage } from '../i18n/index.js';
import type { Mailbox } from './mailbox.js';

/** mailparser is loaded when the mailbox is first read, not at start-up. */
const simpleParser = async (raw: string) => (await import('mailparser')).simpleParser(raw);

/** `/_mock/mail`: the caught mails for a developer to read and click through (parsed with mailparser). */
export function mailboxPage(mailbox: Mailbox, describeMode: () => string, guards: Middleware[]): Router {
  const router = guardedRouter('/_mock/mail', ...guards);

  router.get('/', async (ctx) => {
    const messages = await Promise.all(
      (await mailbox.all()).map(async (message) => {
        const parsed = await simpleParser(message.Raw.Data);
        return { id: message.ID, to: message.Raw.To.join(', '), subject: parsed.subject ?? '', created: message.Created };
      }),
    );
    sendPage(ctx, 'mailbox', { language: negotiateLanguage(ctx), messages, mode: describeMode() });
  });

  // For scripts (the scenario runner, the testing library): the newest mail to an address, decoded.
  router.get('/latest', async (ctx) => {
    const to = typeof ctx.query['to'] === 'string' ? ctx.query['to'].toLowerCase() : '';
    if (to === '') throw new InvalidRequest('to is required: GET /_mock/mail/latest?to=<address>');
    const message = (await mailbox.all()).find((m) => m.Raw.To.some((address) => address.toLowerCase() === to));
    if (!message) throw new NotFound(`no mail to ${to} in the embedded mailbox (${describeMode()})`);
    const parsed = await simpleParser(message.Raw.Data);
    const text = parsed.text ?? '';
    ctx.body = {
      id: message.ID,
      to: message.Raw.To,
      subject: parsed.subject ?? '',
      text,
      html: typeof parsed.html === 'string' ? parsed.html : '',
      code: /\b(\d{6})\b/.exec(text)?.[1] ?? null,
      links: [...new Set(text.match(/https?:\/\/\S+/g) ?? [])],
      created: message.Created,
    };
  });

  router.get('/:id', async (ctx) => {
    const message = await mailbox.find(ctx.params['id']!);
    if (!message) {
      sendPage(ctx, 'mailbox', { language: negotiateLanguage(ctx), messages: [], mode: 'No mail has that id.' }, 404);
      return;
    }
    const parsed = await simpleParser(message.Raw.Data);
    sendPage(ctx, 'mail', {
      title: { key: 'mailTitle', vars: { subject: parsed.subject ?? '' } },
      language: negotiateLanguage(ctx),
      from: parsed.from?.text ?? message.Raw.From,
      to: message.Raw.To.join(', '),
      subject: parsed.subject ?? '',
      created: message.Created,
      html: typeof parsed.html === 'string' ? parsed.html : undefined,
      text: parsed.text ?? '',
    });
  });

  return router;
}
