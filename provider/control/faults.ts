import { randomUUID } from 'node:crypto';
import { HttpError, onlyFields } from '../http/index.js';
import type { Store } from '../store/index.js';

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

export function parseFault(body: Record<string, unknown>): Fault {
  onlyFields(body, ['endpoint', 'count', 'status', 'error', 'errorDescription', 'delayMs']);
  const { endpoint, count = 1, status, error, errorDescription, delayMs = 0 } = body;
  const endpoints = Object.keys(FAULT_ENDPOINTS);
  if (typeof endpoint !== 'string' || !endpoints.includes(endpoint)) throw new HttpError(400, 'invalid_request', `endpoint must be one of ${endpoints.join(', ')}`);
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 10_000) throw new HttpError(400, 'invalid_request', 'count must be a whole number from 1 to 10000');
  if (status !== undefined && (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599)) throw new HttpError(400, 'invalid_request', 'status must be an HTTP error status from 400 to 599');
  if (error !== undefined && (typeof error !== 'string' || !/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(error))) throw new HttpError(400, 'invalid_request', 'error must be an OAuth error code such as temporarily_unavailable');
  if (errorDescription !== undefined && typeof errorDescription !== 'string') throw new HttpError(400, 'invalid_request', 'errorDescription must be a string');
  if (typeof delayMs !== 'number' || delayMs < 0 || delayMs > 60_000) throw new HttpError(400, 'invalid_request', 'delayMs must be a number of milliseconds from 0 to 60000');
  if (status === undefined && error === undefined && delayMs === 0) throw new HttpError(400, 'invalid_request', 'give a status, an error, a delayMs, or several');
  return { id: randomUUID(), endpoint: endpoint as FaultEndpoint, remaining: count as number, delayMs, status: status as number | undefined, error, errorDescription };
}

/** Faults waiting to happen, in the store so replicas share them and a reset clears them. */
export class Faults {
  constructor(private readonly store: Store) {}

  async list(): Promise<Fault[]> {
    return (await this.store.get<Fault[]>(KEY)) ?? [];
  }

  async add(fault: Fault): Promise<void> {
    await this.store.update<Fault[]>(KEY, (faults) => [...(faults ?? []), fault]);
  }

  async clear(): Promise<void> {
    await this.store.delete(KEY);
  }

  /** Takes one turn of the first fault for this path, if any: of concurrent requests, `count` get turns. */
  async take(path: string): Promise<Fault | undefined> {
    let taken: Fault | undefined;
    await this.store.update<Fault[]>(KEY, (faults) => {
      const index = faults?.findIndex((fault) => FAULT_ENDPOINTS[fault.endpoint](path)) ?? -1;
      taken = index === -1 ? undefined : faults![index];
      if (!taken) return undefined;
      return taken.remaining > 1 ? faults!.map((f, i) => (i === index ? { ...f, remaining: f.remaining - 1 } : f)) : faults!.filter((_, i) => i !== index);
    });
    return taken;
  }
}
