import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { parseBody } from '../errors/index.js';
import { CachedRead, type Store } from '../store/index.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

/** The endpoints a fault can hit, by the paths they answer on. */
export const FAULT_ENDPOINTS = {
  authorize: (path: string) => path === '/connect/authorize',
  token: (path: string) => path === '/connect/token',
  userinfo: (path: string) => path === '/connect/userinfo',
  jwks: (path: string) => path === '/.well-known/openid-configuration/jwks',
  discovery: (path: string) => path === '/.well-known/openid-configuration',
  api: (path: string) => path.startsWith('/api/'),
} as const;

export type FaultEndpoint = keyof typeof FAULT_ENDPOINTS;

/** The next `count` requests to `endpoint` wait `delayMs`, then fail with `status` and/or an OAuth `error` (or go on if neither). */
export interface Fault {
  id: string;
  endpoint: FaultEndpoint;
  remaining: number;
  delayMs: number;
  status: number | undefined;
  error: string | undefined;
  errorDescription: string | undefined;
}

const KEY = 'faults';

const endpoints = Object.keys(FAULT_ENDPOINTS) as [FaultEndpoint, ...FaultEndpoint[]];
const COUNT = 'must be a whole number from 1 to 10000';
const STATUS = 'must be an HTTP error status from 400 to 599';
const DELAY = 'must be a number of milliseconds from 0 to 60000';

const faultSchema = schemaOnFirstUse(() =>
  z
    .strictObject({
      endpoint: z.enum(endpoints, { error: `must be one of ${endpoints.join(', ')}` }),
      count: z.int({ error: COUNT }).min(1, { error: COUNT }).max(10_000, { error: COUNT }).default(1),
      status: z.int({ error: STATUS }).min(400, { error: STATUS }).max(599, { error: STATUS }).optional(),
      error: z
        .string({ error: 'must be an OAuth error code such as temporarily_unavailable' })
        .regex(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/, { error: 'must be an OAuth error code such as temporarily_unavailable' })
        .optional(),
      errorDescription: z.string({ error: 'must be a string' }).optional(),
      delayMs: z.number({ error: DELAY }).min(0, { error: DELAY }).max(60_000, { error: DELAY }).default(0),
    })
    .refine((fault) => fault.status !== undefined || fault.error !== undefined || fault.delayMs > 0, { error: 'give a status, an error, a delayMs, or several' }),
);

export function parseFault(body: unknown): Fault {
  const { endpoint, count, status, error, errorDescription, delayMs } = parseBody(faultSchema(), body);
  return { id: randomUUID(), endpoint, remaining: count, delayMs, status, error, errorDescription };
}

const hitsPath = (path: string) => (fault: Fault) => FAULT_ENDPOINTS[fault.endpoint](path);

/**
 * Faults waiting to happen, in the store so replicas share them and a reset clears them. Requests
 * look at a cached copy (read again only after a change announced itself), so with no fault queued
 * they cost no store access; the turn itself is taken from the store.
 */
export class Faults {
  readonly #queued: CachedRead<Fault[]>;

  constructor(private readonly store: Store) {
    this.#queued = new CachedRead(store, KEY, () => this.list());
  }

  async list(): Promise<Fault[]> {
    return (await this.store.get<Fault[]>(KEY)) ?? [];
  }

  async add(fault: Fault): Promise<void> {
    await this.store.update<Fault[]>(KEY, (faults) => [...(faults ?? []), fault]);
    await this.#queued.changed();
  }

  async clear(): Promise<void> {
    await this.store.delete(KEY);
    await this.#queued.changed();
  }

  /** Takes one turn of the first fault for this path, if any: of concurrent requests, `count` get turns. */
  async take(path: string): Promise<Fault | undefined> {
    if (!(await this.#queued.get()).some(hitsPath(path))) return undefined;
    let taken: Fault | undefined;
    await this.store.update<Fault[]>(KEY, (faults) => {
      const index = faults?.findIndex(hitsPath(path)) ?? -1;
      taken = index === -1 ? undefined : faults![index];
      if (!taken) return undefined;
      return taken.remaining > 1 ? faults!.map((f, i) => (i === index ? { ...f, remaining: f.remaining - 1 } : f)) : faults!.filter((_, i) => i !== index);
    });
    if (taken) await this.#queued.changed();
    return taken;
  }
}
