import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../provider/accounts/password-hash.js';

describe('password hashes', () => {
  it('verify the password they were made from, again and again, and nothing else', async () => {
    const stored = await hashPassword('Sommar2025!x', 8);
    expect(await verifyPassword('Sommar2025!x', stored)).toBe(true);
    expect(await verifyPassword('Sommar2025!x', stored)).toBe(true);
    expect(await verifyPassword('Sommar2025!y', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
    expect(await verifyPassword('Sommar2025!x', stored)).toBe(true);
  });

  it('do not take a password that verified against an earlier hash for a new one', async () => {
    const old = await hashPassword('Gammalt2024!x', 8);
    expect(await verifyPassword('Gammalt2024!x', old)).toBe(true);
    const changed = await hashPassword('Nytt2025!x', 8);
    expect(await verifyPassword('Gammalt2024!x', changed)).toBe(false);
    expect(await verifyPassword('Nytt2025!x', changed)).toBe(true);
    expect(await verifyPassword('Gammalt2024!x', old)).toBe(true);
  });

  it('verify the same text in either Unicode form, and refuse a hash that is not ours', async () => {
    const stored = await hashPassword('Blåbär2025!x', 8);
    expect(await verifyPassword('Bla\u030abär2025!x', stored)).toBe(true);
    expect(await verifyPassword('Blåbär2025!x', stored)).toBe(true);
    expect(await verifyPassword('Blåbär2025!x', 'bcrypt$10$abc$def')).toBe(false);
    expect(await verifyPassword('Blåbär2025!x', undefined)).toBe(false);
  });
});
