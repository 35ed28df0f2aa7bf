/** The cookies one browser holds: every emulator page shares one host, so names are enough. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** The Cookie request header. */
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Takes in a response's Set-Cookie headers; an empty or expired one removes the cookie. */
  remember(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get size(): number {
    return this.#cookies.size;
  }

}
