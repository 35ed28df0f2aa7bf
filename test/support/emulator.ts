import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultSettings, startEmulator, type RunningEmulator, type Settings } from '../../provider/index.js';
import { REDIS_URL, requireRedis, uniquePrefix } from './redis.js';

/** `TEST_STORE=redis` (the vitest project "redis") runs every emulator on Redis, each with its own prefix. */
const onRedis = process.env['TEST_STORE'] === 'redis';

/**
 * Starts an emulator on a free loopback port. `fixtures` (an object in the fixture schema) is written
 * to a temporary file, so each test states its own world; without it the demo fixtures are served.
 */
export async function startTestEmulator(options: { fixtures?: object; settings?: Partial<Settings> } = {}): Promise<RunningEmulator> {
  const fixturesPath = options.fixtures ? writeFixtures(options.fixtures) : undefined;
  if (onRedis) await requireRedis();
  const emulator = await startEmulator(
    defaultSettings({
      ...(onRedis && { store: 'redis' as const, redisUrl: REDIS_URL, redisPrefix: uniquePrefix() }),
      port: 0,
      smtpPort: 0,
      mailApiPort: 0,
      publicApiPort: 0,
      mailRetrySeconds: 0.2,
      logLevel: (process.env.TEST_LOG_LEVEL as Settings['logLevel'] | undefined) ?? 'error',
      ...(fixturesPath && { fixturesPath }),
      ...options.settings,
    }),
  );
  if (!onRedis || options.settings?.redisPrefix) return emulator;
  // Leave nothing behind in the shared Redis.
  return { ...emulator, close: async () => (await emulator.store.clear(), emulator.close()) };
}

export function writeFixtures(fixtures: object, name = 'fixtures.yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mvc-fixtures-')), name);
  writeFileSync(path, name.endsWith('.json') ? JSON.stringify(fixtures) : stringify(fixtures));
  return path;
}
