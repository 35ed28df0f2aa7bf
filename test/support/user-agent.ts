import { CookieJar } from '../../scenarios/runner/cookie-jar.js';

/**
 * A cookie-keeping HTTP client that walks the login pages the way a browser without JavaScript
 * would: it follows redirects itself so tests can look at each hop, and fills in forms.
 */
export interface Page {
  status: number;
  url: string;
  location: string | undefined;
  html: string;
  headers: Headers;
}

export class UserAgent {
  readonly #cookies = new CookieJar();
  readonly #acceptLanguage: string | undefined;
  readonly #headers: Record<string, string>;

  constructor(options: { acceptLanguage?: string; headers?: Record<string, string> } = {}) {
    this.#acceptLanguage = options.acceptLanguage;
    this.#headers = options.headers ?? {};
  }

  async get(url: string): Promise<Page> {
    return this.#request(url, { method: 'GET' });
  }

  /** `headers` adds to this post alone, e.g. the Origin a page of another site would send. */
  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    return this.#request(url, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Submits a form of `page` as a browser does: its inputs (hidden ones included) with `values` filled in. */
  async submit(page: Page, values: Record<string, string>, selector?: FormSelector): Promise<Page> {
    const form = readForm(page, selector);
    return this.post(form.action, { ...form.fields, ...values });
  }

  /** Follows redirects from `page` until a page answers with content, or the next hop is under `stopAt`. */
  async follow(page: Page, stopAt?: string): Promise<Page> {
    let current = page;
    for (let hops = 0; current.location !== undefined && !(stopAt && current.location.startsWith(stopAt)); hops += 1) {
      if (hops > 10) throw new Error(`too many redirects, last: ${current.location}`);
      current = await this.get(new URL(current.location, current.url).href);
    }
    return current;
  }

  async #request(url: string, init: RequestInit): Promise<Page> {
    const headers = new Headers({ ...this.#headers, ...(init.headers as Record<string, string> | undefined) });
    if (this.#cookies.size) headers.set('cookie', this.#cookies.header());
    if (this.#acceptLanguage) headers.set('accept-language', this.#acceptLanguage);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.#cookies.remember(response.headers.getSetCookie());
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, url, location: location && new URL(location, url).href, html: await response.text(), headers: response.headers };
  }
}

/** A form by its id or by its action as written in the page; without one, the first form. */
export type FormSelector = { id?: string; action?: string };

/** A form on a page: its action (absolute) and its inputs' current values. */
export function readForm(page: Page, selector?: FormSelector): { action: string; fields: Record<string, string> } {
  const forms = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const form = forms.find((match) => (selector?.id === undefined || attribute(match[1]!, 'id') === selector.id) && (selector?.action === undefined || attribute(match[1]!, 'action') === selector.action));
  if (!form) throw new Error(`no form on ${page.url}:\n${page.html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const name = attribute(input[1]!, 'name');
    if (name) fields[name] = decode(attribute(input[1]!, 'value') ?? '');
  }
  return { action: new URL(decode(attribute(form[1]!, 'action') ?? ''), page.url).href, fields };
}

/** The text of the validation summary, if the page has one. */
export function validationMessages(page: Page): string[] {
  const summary = /<div class="validation-summary"[\s\S]*?<\/div>/.exec(page.html)?.[0] ?? '';
  return [...summary.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => decode(match[1]!.replace(/<[^>]+>/g, '').trim()));
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag)?.[1];
}

function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
