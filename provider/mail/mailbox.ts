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

  async delete(id?: string): Promise<boolean> {
    const all = await this.#store.readList<MailHogMessage>(KEY);
    const kept = id === undefined ? [] : all.filter((message) => message.ID !== id);
    await this.#store.delete(KEY);
    for (const message of kept) await this.#store.appendToList(KEY, message, KEEP);
    return kept.length !== all.length;
  }
}
