import { CookieJar } from './cookie-jar.js';

/** A browser without JavaScript: cookies, redirects followed while they stay on the emulator, forms read from the HTML. */
export interface Page {
  status: number;
  url: string;
  /** Set when the emulator sent the browser away (to an app's redirect_uri). */
  leftTo: string | undefined;
  html: string;
}

export interface Form {
  action: string;
  fields: Record<string, string>;
}

export class Browser {
  readonly #cookies = new CookieJar();
  page: Page | undefined;

  constructor(private readonly origins: string[]) {}

  get(url: string): Promise<Page> {
    return this.#follow(url, { method: 'GET' });
  }

  post(url: string, fields: Record<string, string>): Promise<Page> {
    return this.#follow(url, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async #follow(url: string, init: RequestInit): Promise<Page> {
    let current = url;
    let request = init;
    for (let hop = 0; hop < 15; hop += 1) {
      const response = await fetch(current, { ...request, headers: { ...(request.headers as Record<string, string>), cookie: this.#cookies.header(), accept: 'text/html' }, redirect: 'manual' });
      this.#cookies.remember(response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (location) {
        const next = new URL(location, current).href;
        await response.arrayBuffer();
        if (!this.origins.includes(new URL(next).origin)) return (this.page = { status: response.status, url: current, leftTo: next, html: '' });
        current = next;
        request = { method: 'GET' };
        continue;
      }
      return (this.page = { status: response.status, url: current, leftTo: undefined, html: await response.text() });
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

const decode = (text: string) =>
  text.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16))).replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag)?.[1];

/** The forms of a page, each with its absolute action and its inputs' values. */
export function formsOf(page: Page): Form[] {
  return [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map((match) => {
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attribute(input[1]!, 'name');
      const type = attribute(input[1]!, 'type');
      if (name && type !== 'checkbox') fields[name] = decode(attribute(input[1]!, 'value') ?? '');
    }
    return { action: new URL(decode(attribute(match[1]!, 'action') ?? ''), page.url).href, fields };
  });
}

export function validationMessages(page: Page): string[] {
  const summary = /<div class="validation-summary"[\s\S]*?<\/div>/.exec(page.html)?.[0] ?? '';
  return [...summary.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => decode(m[1]!.replace(/<[^>]+>/g, '').trim()));
}

export const textOf = (page: Page, id: string): string | undefined => {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page.html);
  return match ? decode(match[1]!).trim() : undefined;
};
