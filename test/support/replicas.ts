import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from './emulator.js';
import { uniquePrefix } from './redis.js';

const onRedis = process.env['TEST_STORE'] === 'redis';

export interface Replicas {
  /** On Redis two emulators sharing one prefix and issuer; on memory the one emulator. */
  all: RunningEmulator[];
  /** The replica that the i-th of several concurrent callers talks to. */
  at(i: number): RunningEmulator;
  /** `url` (an address on any replica) on the i-th caller's replica. */
  on(i: number, url: string): string;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Emulators that behave as one: guarantees are tested with concurrent callers spread over them. */
export async function startReplicas(fixtures: object): Promise<Replicas> {
  const redisPrefix = uniquePrefix();
  const first = await startTestEmulator({ fixtures, ...(onRedis && { settings: { redisPrefix } }) });
  const all = [first];
  if (onRedis) all.push(await startTestEmulator({ fixtures, settings: { redisPrefix, issuer: first.issuer } }));
  const at = (i: number) => all[i % all.length]!;
  return {
    all,
    at,
    on: (i, url) => url.replace(/^http:\/\/[^/]+/, at(i).url),
    reset: () => first.reset(),
    close: async () => {
      if (onRedis) await first.store.clear();
      for (const emulator of [...all].reverse()) await emulator.close();
    },
  };
}
