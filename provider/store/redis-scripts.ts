import type { Redis } from 'ioredis';

/**
 * The Redis store's atomic steps, as Lua scripts (Redis runs each one with nothing else in between, across
 * every client: that is what makes them hold for replicas sharing a Redis). Values are the store's
 * envelope `{"v": value, "e": expiry ms on the emulator clock}`; the caller passes the emulator's now,
 * since Redis's own clock is real time.
 */
const LIVE = `
local function live(raw, now)
  if not raw then return false end
  local e = cjson.decode(raw).e
  return e == nil or e > now
end
local function write(key, value, px)
  if px == '' then redis.call('SET', key, value) else redis.call('SET', key, value, 'PX', px) end
end
`;

const SCRIPTS = {
  /** KEYS: key. ARGV: now, envelope, px. 1 when written. */
  mvcSetIfAbsent: `${LIVE}
if live(redis.call('GET', KEYS[1]), tonumber(ARGV[1])) then return 0 end
write(KEYS[1], ARGV[2], ARGV[3])
return 1`,
  /** KEYS: key. ARGV: now, the string value expected. 1 when it was there, live, and is deleted. */
  mvcDeleteIf: `${LIVE}
local raw = redis.call('GET', KEYS[1])
if not live(raw, tonumber(ARGV[1])) or cjson.decode(raw).v ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
  /** KEYS: key. ARGV: now, expiry ms, px, max ('' for none). The new count, or -1 when at max. */
  mvcIncrement: `${LIVE}
local raw = redis.call('GET', KEYS[1])
local count = 0
if live(raw, tonumber(ARGV[1])) then count = tonumber(cjson.decode(raw).v) or 0 end
local max = tonumber(ARGV[4])
if max and count >= max then return -1 end
count = count + 1
write(KEYS[1], '{"v":' .. count .. ',"e":' .. ARGV[2] .. '}', ARGV[3])
return count`,
  /** KEYS: key. ARGV: the raw value read ('' for none), new envelope, px. 1 when nothing changed it meanwhile. */
  mvcCompareAndSet: `${LIVE}
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
write(KEYS[1], ARGV[2], ARGV[3])
return 1`,
  /** KEYS: key. ARGV: member, ttl ms ('' for none). Sets a TTL the set lacks, or lengthens a shorter one. */
  mvcAddToSet: `redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
  redis.call('PEXPIRE', KEYS[1], ARGV[2], 'GT')
end
return 1`,
  /** KEYS: key. ARGV: JSON text, the most items kept (the newest). */
  mvcAppendToList: `redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return 1`,
} as const;

/** ARGV: a SCAN pattern. Deletes every key it matches, with no other command in between (or inside a MULTI block, with the block). */
const DELETE_MATCHING = `local cursor = '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = page[1]
  if #page[2] > 0 then redis.call('UNLINK', unpack(page[2])) end
until cursor == '0'
return 1`;

export interface RedisScripts {
  mvcDeleteMatching(pattern: string): Promise<number>;
  mvcSetIfAbsent(key: string, now: number, envelope: string, px: string): Promise<number>;
  mvcDeleteIf(key: string, now: number, expected: string): Promise<number>;
  mvcIncrement(key: string, now: number, expiresAt: number, px: number, max: string): Promise<number>;
  mvcCompareAndSet(key: string, expected: string, envelope: string, px: string): Promise<number>;
  mvcAddToSet(key: string, member: string, px: string): Promise<number>;
  mvcAppendToList(key: string, json: string, maxLength: number): Promise<number>;
}

export function defineScripts(redis: Redis): Redis & RedisScripts {
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  redis.defineCommand('mvcDeleteMatching', { numberOfKeys: 0, lua: DELETE_MATCHING });
  return redis as Redis & RedisScripts;
}
