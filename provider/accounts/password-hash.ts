import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Test-grade password hashing: scrypt with N = 2^cost, r = 8, p = 1. The default cost (8) keeps a
 * thousand fixture users loading in a fraction of a second; PASSWORD_HASH_COST raises it. The cost is
 * stored in the hash, so hashes made with any cost keep verifying.
 */
const KEY_LENGTH = 32;
const BLOCK_SIZE = 8;

function derive(password: string, salt: Buffer, cost: number): Promise<Buffer> {
  const N = 2 ** cost;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N, r: BLOCK_SIZE, p: 1, maxmem: 256 * N * BLOCK_SIZE + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, cost, salt, key] = stored?.split('$') ?? [];
  if (scheme !== 'scrypt' || cost === undefined || salt === undefined || key === undefined) return false;
  // scrypt's HMAC pads its key with zeros, so `X\0` would verify as `X`; no password set here holds one.
  if (password.includes('\0')) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(cost));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
