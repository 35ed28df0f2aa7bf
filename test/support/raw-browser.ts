import { CookieJar } from 'tough-cookie';

/** One request of a sweep: any method, any headers, any body, sent as written. */
export interface Call {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  location: string | undefined;
  text: string;
}

/** Longer than any honest answer of the emulator takes: a call still unanswered then is a hang. */
const HANG_MS = 15_000;

/**
 * A browser that sends exactly the calls it is given (any method, body and content type), with the
 * cookies it has been given, and follows no redirect: for sweeps of hostile calls.
 */
export class RawBrowser {
  readonly cookies = new CookieJar();

  readonly #origins: string[];

  /** `baseUrl` is where paths are sent; redirects to it or to `alsoEmulator` (the issuer, when it is spelt otherwise) are followed. */
  constructor(
    readonly baseUrl: string,
    alsoEmulator: string = baseUrl,
  ) {
    this.#origins = [new URL(baseUrl).origin, new URL(alsoEmulator).origin];
  }

  async send({ method, path, headers = {}, body }: Call): Promise<Answer> {
    const url = new URL(path, this.baseUrl).href;
    const cookie = await this.cookies.getCookieString(url);
    const response = await fetch(url, {
      method,
      // A cookie header given goes along with the browser's own cookies, as a cookie set by script would.
      headers: { ...headers, ...((cookie || headers['cookie']) && { cookie: [cookie, headers['cookie']].filter(Boolean).join('; ') }) },
      ...(body !== undefined && { body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(HANG_MS),
    });
    for (const line of response.headers.getSetCookie()) await this.cookies.setCookie(line, url, { ignoreError: true });
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, location: location && new URL(location, url).href, text: await response.text() };
  }

  /** Follows redirects from an answer to the page at the end, or to the first hop off the emulator (an app's callback). */
  async follow(answer: Answer): Promise<Answer & { url: string }> {
    let current = { ...answer, url: this.baseUrl };
    for (let hops = 0; current.location !== undefined && this.#origins.includes(new URL(current.location).origin); hops += 1) {
      if (hops > 10) throw new Error(`too many redirects, last: ${current.location}`);
      const url = current.location;
      current = { ...(await this.send({ method: 'GET', path: url })), url };
    }
    return current;
  }
}
