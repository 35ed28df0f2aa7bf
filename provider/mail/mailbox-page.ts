import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { InvalidRequest, NotFound } from '../errors/index.js';
import { guardedRouter, queryValue, sendPage } from '../http/index.js';
import { negotiateLanguage } from '../i18n/index.js';
import type { Mailbox } from './mailbox.js';
import type { MailHogMessage } from './mailhog-message.js';

/** A caught mail as the pages show it. `unreadable`: why mailparser could not read it; its text is then the body as it came. */
interface ReadMail {
  subject: string;
  from: string;
  text: string;
  html: string | undefined;
  unreadable: string | undefined;
}

/**
 * Reads a caught mail with mailparser (loaded when the mailbox is first read, not at start-up). A mail it
 * refuses (more parts or a larger header than it reads: the catcher takes any mail, as MailHog does) is
 * shown with its Subject header and body as they came, rather than failing the page for every mail.
 */
async function readMail(message: MailHogMessage): Promise<ReadMail> {
  try {
    const parsed = await (await import('mailparser')).simpleParser(message.Raw.Data);
    const html = typeof parsed.html === 'string' ? parsed.html : undefined;
    return { subject: parsed.subject ?? '', from: parsed.from?.text ?? message.Raw.From, text: parsed.text ?? '', html, unreadable: undefined };
  } catch (error) {
    const subject = Object.entries(message.Content.Headers).find(([name]) => name.toLowerCase() === 'subject')?.[1][0] ?? '';
    return { subject, from: message.Raw.From, text: message.Content.Body, html: undefined, unreadable: (error as Error).message };
  }
}

/** `/_mock/mail`: the caught mails for a developer to read and click through (parsed with mailparser). */
export function mailboxPage(mailbox: Mailbox, describeMode: () => string, guards: Middleware[]): Router {
  const router = guardedRouter('/_mock/mail', ...guards);

  router.get('/', async (ctx) => {
    const messages = await Promise.all((await mailbox.all()).map(async (message) => ({ id: message.ID, to: message.Raw.To.join(', '), subject: (await readMail(message)).subject, created: message.Created })));
    sendPage(ctx, 'mailbox', { language: negotiateLanguage(ctx), messages, mode: describeMode() });
  });

  // For scripts (the scenario runner, the testing library): the newest mail to an address, decoded.
  router.get('/latest', async (ctx) => {
    const usage = (reason: string) => new InvalidRequest(`${reason}: GET /_mock/mail/latest?to=<address>`);
    const to = queryValue(ctx.query, 'to', usage).toLowerCase();
    if (to === '') throw usage('to is required');
    const message = (await mailbox.all()).find((m) => m.Raw.To.some((address) => address.toLowerCase() === to));
    if (!message) throw new NotFound(`no mail to ${to} in the embedded mailbox (${describeMode()})`);
    const { subject, text, html } = await readMail(message);
    ctx.body = {
      id: message.ID,
      to: message.Raw.To,
      subject,
      text,
      html: html ?? '',
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
    const { subject, from, text, html, unreadable } = await readMail(message);
    sendPage(ctx, 'mail', {
      title: { key: 'mailTitle', vars: { subject } },
      language: negotiateLanguage(ctx),
      from,
      to: message.Raw.To.join(', '),
      subject,
      created: message.Created,
      html,
      text,
      unreadable,
    });
  });

  return router;
}
