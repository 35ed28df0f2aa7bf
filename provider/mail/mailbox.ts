import type { Store } from '../store/index.js';
import { matches, type MailHogMessage } from './mailhog-message.js';

const KEY = 'mailbox';
const KEEP = 1000;

export interface MailPage {
  total: number;
  count: number;
  start: number;
  items: MailHogMessage[];
}

/** The embedded catcher's messages (the newest thousand), in the store so a reset empties it. */
export class Mailbox {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  add(message: MailHogMessage): Promise<void> {
    return this.#store.appendToList(KEY, message, KEEP);
  }

  /** Newest first, as MailHog lists. */
  async all(): Promise<MailHogMessage[]> {
    return (await this.#store.readList<MailHogMessage>(KEY)).reverse();
  }

  async page(start: number, limit: number, filter?: { kind: 'from' | 'to' | 'containing'; query: string }): Promise<MailPage> {
    const all = await this.all();
    const found = filter ? all.filter((message) => matches(message, filter.kind, filter.query)) : all;
    const items = found.slice(start, start + limit);
    return { total: found.length, count: items.length, start, items };
  }

  async find(id: string): Promise<MailHogMessage | undefined> {
    return (await this.all()).find((message) => message.ID === id);
  }

  /** One message, or all; mail that arrives meanwhile is kept. */
  async delete(id?: string): Promise<boolean> {
    const all = await this.#store.readList<MailHogMessage>(KEY);
    if (id === undefined) {
      await this.#store.delete(KEY);
      return all.length > 0;
    }
    const message = all.find((candidate) => candidate.ID === id);
    return message !== undefined && this.#store.removeFromList(KEY, message);
  }
}
