import { connect, createServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { Mailbox, startSmtpCatcher } from '../../provider/mail/index.js';
import { createLogger } from '../../provider/http/index.js';
import { MemoryStore } from '../../provider/store/index.js';
import { apiClient, apiToken, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { readForm, UserAgent } from '../support/user-agent.js';

const fixtures = {
  clients: [{ clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] }],
  users: [
    { email: 'asa.oberg@exempel.se', givenName: 'Åsa', familyName: 'Öberg', locale: 'sv-SE' },
    { email: 'pat@example.com', givenName: 'Pat', familyName: 'Lee', locale: 'en-GB' },
  ],
};

describe('the embedded mail catcher and its MailHog API', () => {
  let emulator: RunningEmulator;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.reset();
    api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
  });

  const sendReset = async (email: string) => {
    const { userId } = (await api('GET', `/users?email=${encodeURIComponent(email)}`)).body;
    expect((await api('POST', `/users/${userId}/password-reset`)).status).toBe(202);
  };
  const mailApi = (path: string, init?: RequestInit) => fetch(`${emulator.mail!.apiUrl}/api${path}`, init);

  it("answers /api/v2/messages as MailHog's server does: total, count, start, items newest first", async () => {
    await sendReset('pat@example.com');
    await sendReset('asa.oberg@exempel.se');
    const response = await mailApi('/v2/messages');
    expect(response.headers.get('content-type')).toContain('text/json');
    const page = (await response.json()) as { total: number; count: number; start: number; items: any[] };
    expect(page).toMatchObject({ total: 2, count: 2, start: 0 });
    const [newest, oldest] = page.items;
    expect(newest.Raw.To).toEqual(['asa.oberg@exempel.se']);
    expect(oldest.Raw.To).toEqual(['pat@example.com']);
    expect(Object.keys(newest).sort()).toEqual(['Content', 'Created', 'From', 'ID', 'MIME', 'Raw', 'To']);
    expect(newest.From).toEqual({ Relays: null, Mailbox: 'do.not.reply', Domain: 'mail.connect.visma.com', Params: '' });
    expect(newest.Content).toMatchObject({ Headers: expect.any(Object), Body: expect.any(String), Size: expect.any(Number) });
    expect(newest.Content.Headers['Content-Type'][0]).toMatch(/^multipart\/alternative; boundary=/);
    // Split on the boundary as MailHog does: the closing "--" is a part of its own, without headers.
    expect(newest.MIME.Parts.map((part: any) => part.Headers['Content-Type']?.[0])).toEqual(['text/plain; charset=utf-8', 'text/html; charset=utf-8', undefined]);
    expect(newest.Raw).toMatchObject({ From: 'do.not.reply@mail.connect.visma.com', Data: expect.stringContaining('Subject: '), Helo: expect.any(String) });

    const second = (await (await mailApi('/v2/messages?start=1&limit=1')).json()) as { total: number; count: number; start: number; items: any[] };
    expect(second).toMatchObject({ total: 2, count: 1, start: 1 });
    expect(second.items[0].ID).toBe(oldest.ID);
  });

  it('reads start and limit as MailHog (Go) does: whole numbers only, anything else the default', async () => {
    await sendReset('pat@example.com');
    await sendReset('asa.oberg@exempel.se');
    const counts: Record<string, unknown> = {};
    for (const query of ['limit=1e9', 'limit=1.5', 'limit=1abc', 'limit=0', 'limit=-5', 'limit=%2B1', 'start=1e0', 'start=1&start=0']) {
      const page = (await (await mailApi(`/v2/messages?${query}`)).json()) as { count: number; start: number };
      counts[query] = [page.start, page.count];
    }
    expect(counts).toEqual({ 'limit=1e9': [0, 2], 'limit=1.5': [0, 2], 'limit=1abc': [0, 2], 'limit=0': [0, 2], 'limit=-5': [0, 2], 'limit=%2B1': [0, 1], 'start=1e0': [0, 2], 'start=1&start=0': [1, 1] });
  });

  it('works with the npm mailhog client unchanged, å, ä and ö included', async () => {
    await sendReset('asa.oberg@exempel.se');
    const client = mailClient(emulator);
    const message = (await client.latestTo('asa.oberg@exempel.se'))!;
    expect(message.subject).toBe('Återställ ditt lösenord');
    expect(message.from).toBe('Visma Connect <do.not.reply@mail.connect.visma.com>');
    expect(message.to).toBe('asa.oberg@exempel.se');
    expect(message.text).toContain('Hej Åsa Öberg');
    expect(message.text).toContain('ditt lösenord är oförändrat');
    expect(message.html).toContain('<a href="http://localhost:');
    expect(message.html).toContain('Återställ lösenord');
    expect((await client.search('oförändrat', 'containing'))!.count).toBe(0); // the body is base64, as MailHog stores it raw
    expect((await client.latestFrom('do.not.reply@mail.connect.visma.com'))!.ID).toBe(message.ID);
    expect((await client.search('pat@example.com', 'to'))!.total).toBe(0);
  });

  it('reads, deletes one and deletes all through the v1 endpoints', async () => {
    await sendReset('pat@example.com');
    await sendReset('pat@example.com');
    const client = mailClient(emulator);
    const { items } = (await client.messages())!;
    const one = (await (await mailApi(`/v1/messages/${encodeURIComponent(items[0]!.ID)}`)).json()) as { ID: string };
    expect(one.ID).toBe(items[0]!.ID);
    await client.deleteMessage(items[0]!.ID);
    expect((await client.messages())!.total).toBe(1);
    expect((await mailApi('/v1/messages/nope')).status).toBe(404);
    await client.deleteAll();
    expect((await client.messages())!.total).toBe(0);
  });

  it('refuses a search of an unknown kind or without a query, as MailHog does (400)', async () => {
    expect((await mailApi('/v2/search?kind=subject&query=x')).status).toBe(400);
    expect((await mailApi('/v2/search?kind=to')).status).toBe(400);
  });

  it('shows the mails on the /_mock/mail page, each rendered with its link', async () => {
    await sendReset('pat@example.com');
    const agent = new UserAgent();
    const list = await agent.get(`${emulator.url}/_mock/mail`);
    expect(list.html).toContain('Reset your password');
    const href = /href="(\/_mock\/mail\/[^"]+)"/.exec(list.html)![1]!;
    const one = await agent.get(`${emulator.url}${href}`);
    expect(one.html).toContain('id="mail-subject">Reset your password<');
    expect(one.html).toContain('reset-password?token=');
    expect((await agent.get(`${emulator.url}/_mock/mail/nope`)).status).toBe(404);
  });

  it('shows a mail mailparser cannot read with its subject and body as they came, and the other mails as before', async () => {
    const parts = '--zz\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(1500);
    await sendOverSmtp(emulator.mail!.smtpPort, 'many@example.com', `Subject: many parts\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n${parts}--zz--`);
    await sendReset('pat@example.com');
    const agent = new UserAgent();
    const list = await agent.get(`${emulator.url}/_mock/mail`);
    expect(list.status).toBe(200);
    expect(list.html).toContain('many parts');
    expect(list.html).toContain('Reset your password');
    const [many] = ((await (await mailApi('/v2/search?kind=to&query=many@example.com')).json()) as { items: { ID: string }[] }).items;
    const one = await agent.get(`${emulator.url}/_mock/mail/${encodeURIComponent(many!.ID)}`);
    expect(one.status).toBe(200);
    expect(one.html).toContain('id="mail-subject">many parts<');
    expect(one.html).toMatch(/id="mail-unreadable">mailparser could not read this mail \(.+\)/);
    const latest = await fetch(`${emulator.url}/_mock/mail/latest?to=many@example.com`);
    expect(latest.status).toBe(200);
    expect(await latest.json()).toMatchObject({ subject: 'many parts', text: expect.stringContaining('Content-Type: text/plain') });
    expect((await fetch(`${emulator.url}/_mock/mail/latest?to=pat@example.com`)).status).toBe(200);
    const twice = await fetch(`${emulator.url}/_mock/mail/latest?to=pat@example.com&to=many@example.com`);
    expect({ status: twice.status, body: await twice.json() }).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'to must be given once: GET /_mock/mail/latest?to=<address>' } });
  });

  it('empties the mailbox on reset', async () => {
    await sendReset('pat@example.com');
    await emulator.reset();
    expect((await mailClient(emulator).messages())!.total).toBe(0);
  });
});

/** One mail over SMTP, as a client that does not wait for each answer would send it (pipelining: the catcher offers it). */
async function sendOverSmtp(port: number, to: string, data: string): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let heard = '';
  let said = 0;
  socket.on('data', (chunk: string) => {
    heard += chunk;
    if (said === 0 && /^220 /m.test(heard)) {
      said = 1;
      socket.write(`EHLO sender.example\r\nMAIL FROM:<noreply@example.com>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    }
    if (said === 1 && /^354 /m.test(heard)) {
      said = 2;
      socket.write(`${data}\r\n.\r\nQUIT\r\n`);
    }
  });
  await new Promise((resolve) => socket.on('close', resolve));
  expect(heard).toMatch(/^354 [\s\S]*\n250 /m);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('sending to an SMTP server that is down (MAIL=smtp)', () => {
  let emulator: RunningEmulator;
  let catcher: Awaited<ReturnType<typeof startSmtpCatcher>> | undefined;
  afterEach(async () => {
    await catcher?.close();
    await emulator?.close();
  });

  it('keeps the mail in the outbox, the API call still succeeds, and the mail goes out when SMTP is back', async () => {
    const smtpPort = await freePort();
    emulator = await startTestEmulator({ fixtures, settings: { mail: 'smtp', smtpUrl: `smtp://127.0.0.1:${smtpPort}` } });
    const api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
    const started = await api('POST', '/email-verifications', { email: 'pat@example.com', delivery: 'code' });
    expect(started.status).toBe(202);

    const mailbox = new Mailbox(new MemoryStore());
    catcher = await startSmtpCatcher(mailbox, smtpPort, '127.0.0.1', createLogger('silent'));
    await expect.poll(async () => (await mailbox.all()).length, { timeout: 5000, interval: 100 }).toBe(1);
    const [message] = await mailbox.all();
    expect(message!.Raw.To).toEqual(['pat@example.com']);
  });

  it('answers API calls and form posts at once when the SMTP server accepts but never greets, and the mail goes out once SMTP answers', async () => {
    const held = new Set<Socket>();
    const silent = createServer((socket) => held.add(socket)); // takes the connection and never says a word
    const smtpPort = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
    try {
      emulator = await startTestEmulator({ fixtures, settings: { mail: 'smtp', smtpUrl: `smtp://127.0.0.1:${smtpPort}` } });
      const api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
      expect((await api('POST', '/email-verifications', { email: 'pat@example.com', delivery: 'code' })).status).toBe(202);
      const { userId } = (await api('GET', '/users?email=pat@example.com')).body;
      expect((await api('POST', `/users/${userId}/password-reset`)).status).toBe(202);
      const agent = new UserAgent();
      const form = await agent.get(`${emulator.url}/forgot-password`);
      const sent = await agent.post(readForm(form).action, { Username: 'pat@example.com', Choice: 'reset' });
      expect(sent.status).toBe(200);
    } finally {
      silent.close();
      for (const socket of held) socket.destroy();
    }

    const mailbox = new Mailbox(new MemoryStore());
    catcher = await startSmtpCatcher(mailbox, smtpPort, '127.0.0.1', createLogger('silent'));
    await expect.poll(async () => (await mailbox.all()).length, { timeout: 15_000, interval: 200 }).toBe(3);
    expect((await mailbox.all()).map((message) => message.Raw.To[0])).toEqual(['pat@example.com', 'pat@example.com', 'pat@example.com']);
  });
});

describe('the embedded SMTP catcher on its own', () => {
  /** A raw SMTP conversation: what the catcher says, line by line, and a way to say something. */
  function converse(port: number) {
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    let heard = '';
    socket.on('data', (chunk: string) => (heard += chunk));
    socket.on('error', () => undefined); // the leaver's own reset
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    return {
      say: (line: string) => socket.write(`${line}\r\n`),
      heard: () => heard,
      until: (pattern: RegExp) => expect.poll(() => heard, { timeout: 5000, interval: 20 }).toMatch(pattern),
      ended,
      reset: () => socket.resetAndDestroy(),
    };
  }

  it('greets senders who connect at once, survives those who reset the connection before the greeting, and delivers each mail', async () => {
    const mailbox = new Mailbox(new MemoryStore());
    const catcher = await startSmtpCatcher(mailbox, 0, '127.0.0.1', createLogger('silent'));
    try {
      for (const leaver of [1, 2, 3, 4, 5].map(() => converse(catcher.port))) leaver.reset();
      const senders = [1, 2, 3].map(() => converse(catcher.port));
      for (const [index, sender] of senders.entries()) {
        await sender.until(/^220 /);
        sender.say('EHLO sender.example');
        await sender.until(/250 /);
        sender.say('MAIL FROM:<noreply@example.com>');
        sender.say(`RCPT TO:<user${index}@example.com>`);
        sender.say('DATA');
        await sender.until(/354 /);
        sender.say(`Subject: number ${index}\r\n\r\nhello\r\n.`);
        await sender.until(/250 .*(queued|accepted|OK)/i);
        sender.say('QUIT');
        await sender.ended;
      }
      expect((await mailbox.all()).map((message) => message.Raw.To[0]).sort()).toEqual(['user0@example.com', 'user1@example.com', 'user2@example.com']);
    } finally {
      await catcher.close();
    }
  });

  it('closes with a sender still connected: the sender hears 421 and the close does not wait for it', async () => {
    const catcher = await startSmtpCatcher(new Mailbox(new MemoryStore()), 0, '127.0.0.1', createLogger('silent'));
    const idle = converse(catcher.port);
    await idle.until(/^220 /);
    await catcher.close();
    await idle.ended;
    expect(idle.heard()).toMatch(/421 /);
  });

  it('closes at once when no one ever connected (smtp-server never loaded)', async () => {
    const catcher = await startSmtpCatcher(new Mailbox(new MemoryStore()), 0, '127.0.0.1', createLogger('silent'));
    await catcher.close();
    const refused = await new Promise<string>((resolve) =>
      connect(catcher.port, '127.0.0.1')
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? ''))
        .on('connect', () => resolve('connected')),
    );
    expect(refused).toBe('ECONNREFUSED');
  });
});
