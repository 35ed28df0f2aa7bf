import { randomUUID } from 'node:crypto';
import type { Store } from '../store/index.js';

export interface RenderedMail {
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface QueuedMail extends RenderedMail {
  id: string;
  /** Failed deliveries so far. */
  attempts: number;
  queuedAt: string;
  lastError: string;
}

const INDEX = 'outbox';
const key = (id: string) => `outbox:${id}`;
const claimKey = (id: string) => `outbox:claim:${id}`;
/** Longer than one delivery attempt may take (connection, greeting and socket timeouts together). */
const CLAIM_SECONDS = 60;

/** Mails on their way to SMTP; each waits in the store until a delivery succeeds. */
export class Outbox {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async add(mail: RenderedMail): Promise<QueuedMail> {
    const queued = { ...mail, id: randomUUID(), attempts: 0, queuedAt: new Date().toISOString(), lastError: '' };
    await this.#store.set(key(queued.id), queued);
    await this.#store.addToSet(INDEX, queued.id);
    return queued;
  }

  async pending(): Promise<QueuedMail[]> {
    const ids = await this.#store.setMembers(INDEX);
    const mails = await Promise.all(ids.map((id) => this.#store.get<QueuedMail>(key(id))));
    return mails.filter((mail): mail is QueuedMail => mail !== undefined).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  /** True for the one sender (of all replicas) that may try this mail now. */
  claim(mail: QueuedMail): Promise<boolean> {
    return this.#store.setIfAbsent(claimKey(mail.id), true, CLAIM_SECONDS);
  }

  async failedAgain(mail: QueuedMail, error: string): Promise<void> {
    await this.#store.set(key(mail.id), { ...mail, attempts: mail.attempts + 1, lastError: error });
    await this.#store.delete(claimKey(mail.id));
  }

  async sent(mail: QueuedMail): Promise<void> {
    await this.#store.delete(key(mail.id), claimKey(mail.id));
    await this.#store.removeFromSet(INDEX, mail.id);
  }
}
