import { describe, expect, it } from 'vitest';
import { CookieKeys } from '../../provider/oidc/cookie-keys.js';

const KEY = 'mock-visma-connect development cookie key (test-only)';
const VALUE = '_interaction=abc123';
/** Keygrip's signatures of VALUE with KEY and with 'old key' (keygrip 1.1): cookies it signed stay valid. */
const KEYGRIP_SIGNATURE = 'Ym4cPvljnHmTXABbAw89pC_T2L0';
const KEYGRIP_OLD_KEY_SIGNATURE = 'C69DTtc98PdCQ7j4aXXzB2OxKfQ';

describe('the signed cookies keys', () => {
  it('sign with the first key as Keygrip does', () => {
    expect(new CookieKeys([KEY, 'old key']).sign(VALUE)).toBe(KEYGRIP_SIGNATURE);
  });

  it('say which key signed a value, so a cookie signed before a key rotation still verifies', () => {
    const keys = new CookieKeys([KEY, 'old key']);
    expect(keys.index(VALUE, KEYGRIP_SIGNATURE)).toBe(0);
    expect(keys.index(VALUE, KEYGRIP_OLD_KEY_SIGNATURE)).toBe(1);
    expect(keys.verify(VALUE, KEYGRIP_OLD_KEY_SIGNATURE)).toBe(true);
  });

  it('refuse a changed value, a changed or shortened signature, and a signature of a key they do not have', () => {
    const keys = new CookieKeys([KEY]);
    expect(keys.index('_interaction=abc124', KEYGRIP_SIGNATURE)).toBe(-1);
    expect(keys.index(VALUE, `${KEYGRIP_SIGNATURE.slice(0, -1)}A`)).toBe(-1);
    expect(keys.index(VALUE, KEYGRIP_SIGNATURE.slice(0, -1))).toBe(-1);
    expect(keys.index(VALUE, '')).toBe(-1);
    expect(keys.verify(VALUE, KEYGRIP_OLD_KEY_SIGNATURE)).toBe(false);
  });

  it('need a key', () => {
    expect(() => new CookieKeys([])).toThrow('at least one cookie key is needed');
  });
});
