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
  attempts: number;
  queuedAt: string;
  lastError: string;
}

const INDEX = 'outbox';
const key = (id: string) => `outbox:${id}`;

/** Mails that could not be handed to SMTP yet; they wait in the store until a retry succeeds. */
export class Outbox {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async add(mail: RenderedMail, error: string): Promise<QueuedMail> {
    const queued = { ...mail, id: randomUUID(), attempts: 1, queuedAt: new Date().toISOString(), lastError: error };
    await this.#store.set(key(queued.id), queued);
    await this.#store.addToSet(INDEX, queued.id);
    return queued;
  }

  async pending(): Promise<QueuedMail[]> {
    const ids = await this.#store.setMembers(INDEX);
    const mails = await Promise.all(ids.map((id) => this.#store.get<QueuedMail>(key(id))));
    return mails.filter((mail): mail is QueuedMail => mail !== undefined).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  async failedAgain(mail: QueuedMail, error: string): Promise<void> {
    await this.#store.set(key(mail.id), { ...mail, attempts: mail.attempts + 1, lastError: error });
  }

  async sent(mail: QueuedMail): Promise<void> {
    await this.#store.delete(key(mail.id));
    await this.#store.removeFromSet(INDEX, mail.id);
  }
}
