import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed cookies' keys, as Koa's `cookies` asks for them (`sign`, `verify`, `index`), making
 * Keygrip's signatures (HMAC-SHA1, URL-safe base64 without padding: cookies signed before stay valid)
 * and comparing them with Node's timingSafeEqual. Keygrip compares through tsscmp, which draws random
 * bytes and computes two more HMACs for every signed cookie a request reads: a tenth of the cookie
 * work of a sign-in's requests. The first key signs; every key verifies (rotation).
 */
export class CookieKeys {
  readonly #keys: readonly string[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('at least one cookie key is needed');
    this.#keys = keys;
  }

  sign(data: string): string {
    return signature(data, this.#keys[0]!);
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) > -1;
  }

  /** Which key signed `data` to `digest`, or -1. */
  index(data: string, digest: string): number {
    const given = Buffer.from(digest);
    return this.#keys.findIndex((key) => {
      const expected = Buffer.from(signature(data, key));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }
}

const signature = (data: string, key: string): string => createHmac('sha1', key).update(data).digest('base64url');
