import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { Mailbox } from '../../provider/mail/index.js';
import { toMailHogMessage } from '../../provider/mail/mailhog-message.js';
import { MemoryStore, type Store } from '../../provider/store/index.js';
import { RedisStore } from '../../provider/store/redis-store.js';
import { apiClient, apiToken, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { clearPrefix, REDIS_URL, requireRedis, uniquePrefix } from '../support/redis.js';

const onRedis = process.env['TEST_STORE'] === 'redis';
const MB = 1024 * 1024;

const fixtures = {
  clients: [{ clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] }],
};

/** One SMTP conversation, line by line, with no SIZE declared: what a careless sender does. Answers the reply to the data. */
async function sendRaw(port: number, to: string, body: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffered = '';
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    // A reply ends with a line "NNN text" (not "NNN-text").
    const lines = buffered.split('\r\n');
    buffered = lines.pop()!;
    for (const line of lines) if (/^\d{3} /.test(line)) replies.push(line);
    waiting?.();
  });
  const reply = async () => {
    while (replies.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
    return replies.shift()!;
  };
  try {
    await reply();
    for (const command of ['EHLO sender.example', 'MAIL FROM:<sender@example.com>', `RCPT TO:<${to}>`, 'DATA']) {
      socket.write(`${command}\r\n`);
      await reply();
    }
    socket.write(`From: sender@example.com\r\nTo: ${to}\r\nSubject: Test\r\n\r\n${body}\r\n.\r\n`);
    return await reply();
  } finally {
    socket.end();
  }
}

describe('the embedded catcher keeps its size limits', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  it('refuses a mail over the 10 MB it announces with 552, keeps nothing of it, and takes the next one', { timeout: 60_000 }, async () => {
    const line = `${'x'.repeat(998)}\r\n`;
    const elevenMegabytes = line.repeat(Math.ceil((11 * MB) / line.length));
    expect(await sendRaw(emulator.mail!.smtpPort, 'big@example.com', elevenMegabytes)).toMatch(/^552 /);
    expect((await mailClient(emulator).messages())!.total).toBe(0);

    expect(await sendRaw(emulator.mail!.smtpPort, 'small@example.com', 'hello')).toMatch(/^250 /);
    expect((await mailClient(emulator).messages())!.items.map((mail) => mail.to)).toEqual(['small@example.com']);
  });

  it('sends the 100 mails of a batch of verifications, each readable when the batch answers', async () => {
    const api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
    const items = Array.from({ length: 100 }, (_, i) => ({ email: `batch-${i}@privat.example`, delivery: 'code' }));
    const batch = await api('POST', '/email-verifications/batch', { items });
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((result: { email: string; httpStatus: number }) => [result.email, result.httpStatus])).toEqual(items.map(({ email }) => [email, 202]));

    const client = mailClient(emulator);
    expect((await client.messages(0, 250))!.total).toBe(100);
    const last = batch.body.results[99] as { id: string };
    const code = /\b(\d{6})\b/.exec((await client.latestTo('batch-99@privat.example'))!.text)![1]!;
    expect((await api('POST', `/email-verifications/${last.id}/verify`, { code })).body).toMatchObject({ status: 'verified', created: true });
  });
});

/** Replicas: on Redis, stores of their own on one prefix; in memory, one store shared. */
async function openReplicas(count: number): Promise<{ stores: Store[]; prefix: string; close(): Promise<void> }> {
  if (!onRedis) {
    const store = new MemoryStore();
    return { stores: Array.from({ length: count }, () => store), prefix: '', close: () => store.close() };
  }
  await requireRedis();
  const prefix = uniquePrefix();
  const stores = await Promise.all(Array.from({ length: count }, () => RedisStore.connect(REDIS_URL, prefix)));
  return {
    stores,
    prefix,
    close: async () => {
      await clearPrefix(prefix);
      for (const store of stores) await store.close();
    },
  };
}

const mailOf = (n: number, bytes: number) =>
  toMailHogMessage({ from: 'sender@example.com', to: [`user-${n}@example.com`], data: `To: user-${n}@example.com\r\nSubject: Mail ${n}\r\n\r\n${'y'.repeat(bytes)}`, helo: 'sender.example' }, 'mailhog.example', new Date());

describe('the mailbox, bounded in bytes', () => {
  const budget = { maxBytes: 200_000, maxMessages: 1000 };
  const sizeOf = (text: string) => Buffer.byteLength(text);
  const storedBytes = (page: { items: string[] }) => page.items.reduce((sum, text) => sum + sizeOf(text), 0);
  /** Nothing was let go needlessly: any mail not kept would not have fitted beside the kept ones. */
  const fitsNoOther = (page: { items: string[] }, sent: ReturnType<typeof mailOf>[]) => {
    const kept = new Set(page.items.map((text) => (JSON.parse(text) as { ID: string }).ID));
    const largestLetGo = Math.max(...sent.filter((mail) => !kept.has(mail.ID)).map((mail) => sizeOf(JSON.stringify(mail))));
    return storedBytes(page) + largestLetGo > budget.maxBytes;
  };

  it('lets the oldest mails go once the mails together pass the byte budget', async () => {
    const replicas = await openReplicas(1);
    try {
      const mailbox = new Mailbox(replicas.stores[0]!, budget);
      const sent = Array.from({ length: 30 }, (_, n) => mailOf(n, 10_000));
      for (const mail of sent) await mailbox.add(mail);
      const page = await mailbox.page(0, 1000);
      expect(storedBytes(page)).toBeLessThanOrEqual(budget.maxBytes);
      expect(fitsNoOther(page, sent)).toBe(true);
      expect(page.total).toBe(page.items.length);
      const kept = page.items.map((text) => (JSON.parse(text) as { Raw: { To: string[] } }).Raw.To[0]);
      expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `user-${29 - i}@example.com`));
      expect((await mailbox.page(0, 1, { kind: 'to', query: 'user-0@' })).total).toBe(0);
      expect((await mailbox.page(0, 1, { kind: 'to', query: 'user-29@' })).total).toBe(1);
    } finally {
      await replicas.close();
    }
  });

  it('keeps the budget when two replicas take mail at the same moment, and keeps no text of a mail it let go', async () => {
    const replicas = await openReplicas(2);
    try {
      const [a, b] = replicas.stores.map((store) => new Mailbox(store, budget));
      const sent = Array.from({ length: 40 }, (_, n) => mailOf(n, 5_000 + n * 100));
      await Promise.all(sent.map((mail, n) => (n % 2 === 0 ? a! : b!).add(mail)));
      const page = await a!.page(0, 1000);
      expect(storedBytes(page)).toBeLessThanOrEqual(budget.maxBytes);
      expect(fitsNoOther(page, sent)).toBe(true);
      expect(page.total).toBe(page.items.length);
      // Nothing of the mails let go stays behind in the store: only the kept texts, the summaries and the state.
      if (!onRedis) expect((replicas.stores[0] as MemoryStore).size).toBe(page.total + 2);
      else expect(await textKeysUnder(replicas.prefix)).toBe(page.total);
    } finally {
      await replicas.close();
    }
  });

  it('takes a mail bigger than the whole budget alone, letting everything older go', async () => {
    const replicas = await openReplicas(1);
    try {
      const mailbox = new Mailbox(replicas.stores[0]!, budget);
      await mailbox.add(mailOf(1, 1000));
      await mailbox.add(mailOf(2, 300_000));
      const page = await mailbox.page(0, 10);
      expect(page.total).toBe(1);
      expect(page.items[0]).toContain('user-2@example.com');
    } finally {
      await replicas.close();
    }
  });
});

async function textKeysUnder(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  try {
    let count = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}mailbox:text:*`, 'COUNT', 1000);
      count += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return count;
  } finally {
    redis.disconnect();
  }
}
