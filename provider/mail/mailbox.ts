import { VISMA_FACTS } from '../config/index.js';
import type { Store } from '../store/index.js';
import { anyContains, searchedTexts, type MailHogMessage, type SearchKind } from './mailhog-message.js';

/** MailHog's v1 list answers at most this many. */
export const MAILBOX_MAX_MESSAGES = VISMA_FACTS.mail.mailbox.maxMessages;
/** What the caught mails may take in the store together (as JSON); beyond it the oldest are let go. */
const MAILBOX_MAX_BYTES = VISMA_FACTS.mail.mailbox.maxBytes;

/**
 * Mails are numbered in arrival order, numbers never reused. The state says which are kept: mail
 * `first + i` takes `sizes[i]` bytes, 0 once deleted. It is small (a number per mail) and changed only by
 * compare-and-set, so the limits hold across replicas and concurrent arrivals.
 */
interface State {
  first: number;
  sizes: number[];
}

/**
 * A mail's id and what a `from` or `to` search looks in. They are kept in a list capped at twice the
 * number of mails kept (slack for arrivals that append out of order); the state says which are still there.
 */
interface Summary {
  number: number;
  id: string;
  from: string[];
  to: string[];
}

const STATE = 'mailbox:state';
const SUMMARIES = 'mailbox:summaries';
const textKey = (n: number) => `mailbox:text:${n}`;

export interface MailSearch {
  kind: SearchKind;
  query: string;
}

/** A page of MailHog's list: each mail as its JSON text, newest first. */
export interface MailPage {
  total: number;
  start: number;
  items: string[];
}

export interface MailboxLimits {
  maxBytes: number;
  maxMessages: number;
}

/**
 * The caught mails, in the store so a reset empties it and replicas share it. Each mail's JSON text is
 * a key of its own, so a page reads only its own mails, and searches by sender or recipient read only
 * the summaries; nothing parses a mail again to list it.
 */
export class Mailbox {
  readonly #store: Store;
  readonly #limits: MailboxLimits;

  constructor(store: Store, limits: MailboxLimits = { maxBytes: MAILBOX_MAX_BYTES, maxMessages: MAILBOX_MAX_MESSAGES }) {
    this.#store = store;
    this.#limits = limits;
  }

  /**
   * Counted first (letting the oldest go beyond the limits), then written. A mail let go or deleted
   * before its text was written has it removed again, so no text outlives its place in the state.
   */
  async add(message: MailHogMessage): Promise<void> {
    const text = JSON.stringify(message);
    let number = 0;
    let dropped: number[] = [];
    await this.#store.update<State>(STATE, (state) => {
      const admitted = admit(state ?? { first: 0, sizes: [] }, Buffer.byteLength(text), this.#limits);
      ({ number, dropped } = admitted);
      return admitted.state;
    });
    if (dropped.length > 0) await this.#store.delete(...dropped.map(textKey));
    const summary: Summary = { number, id: message.ID, from: searchedTexts(message, 'from'), to: searchedTexts(message, 'to') };
    await Promise.all([this.#store.appendToList(SUMMARIES, summary, 2 * this.#limits.maxMessages), this.#store.set(textKey(number), text)]);
    if (!kept(await this.#state()).includes(number)) await this.#store.delete(textKey(number));
  }

  /** MailHog's list or search, newest first; a plain page reads only its own mails. */
  async page(start: number, limit: number, search?: MailSearch): Promise<MailPage> {
    const numbers = kept(await this.#state()).reverse();
    if (search === undefined) return { total: numbers.length, start, items: await this.#texts(numbers.slice(start, start + limit)) };
    const { kind, query } = search;
    if (kind === 'containing') {
      const found = (await this.#texts(numbers)).filter((text) => anyContains(searchedTexts(JSON.parse(text) as MailHogMessage, kind), query));
      return { total: found.length, start, items: found.slice(start, start + limit) };
    }
    const found = (await this.#summaries(numbers)).filter((summary) => anyContains(summary[kind], query)).map(({ number }) => number);
    return { total: found.length, start, items: await this.#texts(found.slice(start, start + limit)) };
  }

  /** Newest first. */
  async all(): Promise<MailHogMessage[]> {
    return (await this.#texts(kept(await this.#state()).reverse())).map((text) => JSON.parse(text) as MailHogMessage);
  }

  async text(id: string): Promise<string | undefined> {
    const number = await this.#numberOf(id);
    return number === undefined ? undefined : this.#store.get<string>(textKey(number));
  }

  async find(id: string): Promise<MailHogMessage | undefined> {
    const text = await this.text(id);
    return text === undefined ? undefined : (JSON.parse(text) as MailHogMessage);
  }

  /** One message, or all; mail that arrives meanwhile is kept. */
  async delete(id?: string): Promise<boolean> {
    const only = id === undefined ? undefined : await this.#numberOf(id);
    if (id !== undefined && only === undefined) return false;
    let removed: number[] = [];
    await this.#store.update<State>(STATE, (state) => {
      removed = kept(state).filter((n) => only === undefined || n === only);
      return removed.length > 0 && state ? without(state, removed) : undefined;
    });
    if (removed.length > 0) await this.#store.delete(...removed.map(textKey));
    return removed.length > 0;
  }

  async #state(): Promise<State | undefined> {
    return this.#store.get<State>(STATE);
  }

  async #numberOf(id: string): Promise<number | undefined> {
    return (await this.#summaries(kept(await this.#state()))).find((summary) => summary.id === id)?.number;
  }

  /** The texts of these mails, in order; one let go or deleted meanwhile is left out. */
  async #texts(numbers: number[]): Promise<string[]> {
    const texts = await Promise.all(numbers.map((n) => this.#store.get<string>(textKey(n))));
    return texts.filter((text): text is string => text !== undefined);
  }

  /** The summaries of these mails, in their order. */
  async #summaries(numbers: number[]): Promise<Summary[]> {
    const byNumber = new Map((await this.#store.readList<Summary>(SUMMARIES)).map((summary) => [summary.number, summary]));
    return numbers.flatMap((n) => byNumber.get(n) ?? []);
  }
}

/** The numbers of the kept mails, oldest first. */
function kept(state: State | undefined): number[] {
  return state ? state.sizes.flatMap((size, i) => (size > 0 ? [state.first + i] : [])) : [];
}

/**
 * The state with one more mail of `bytes`, less the oldest while over a limit (deleted mails count
 * towards the number, so their places do not pile up; the newest always stays).
 */
function admit(state: State, bytes: number, limits: MailboxLimits): { state: State; number: number; dropped: number[] } {
  const number = state.first + state.sizes.length;
  const sizes = [...state.sizes, bytes];
  let first = state.first;
  let total = sizes.reduce((sum, size) => sum + size, 0);
  const dropped: number[] = [];
  while (sizes.length > 1 && (sizes.length > limits.maxMessages || total > limits.maxBytes || sizes[0] === 0)) {
    const size = sizes.shift()!;
    if (size > 0) dropped.push(first);
    total -= size;
    first += 1;
  }
  return { state: { first, sizes }, number, dropped };
}

/** The state with these mails deleted: their sizes 0, and the deleted ones at the start let go. */
function without(state: State, numbers: number[]): State {
  const gone = new Set(numbers);
  const sizes = state.sizes.map((size, i) => (gone.has(state.first + i) ? 0 : size));
  const leading = sizes.findIndex((size) => size > 0);
  const drop = leading === -1 ? sizes.length : leading;
  return { first: state.first + drop, sizes: sizes.slice(drop) };
}
