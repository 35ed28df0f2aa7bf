import type { CookieJar } from 'tough-cookie';
import { clientPackages } from './client-script.js';
import { exchange, headersOf, type Asking } from './exchange.js';
import { entriesOf, fill, pressed, readForm, type ButtonChoice, type Form, type FormSelector, type FormValues } from './forms.js';

/** One answer: the URL asked for, the status, where a redirect points (absolute), the body and the headers (made when first read). */
export interface Page {
  status: number;
  url: string;
  location: string | undefined;
  html: string;
  headers: Headers;
}

/** Which form of a page (when a page is given), and which button to press (default: the form's first). */
export interface SubmitOptions extends FormSelector {
  button?: ButtonChoice;
}

export interface UserAgentOptions {
  acceptLanguage?: string;
  /** Sent with every request (X-Forwarded-For, Accept, …). */
  headers?: Record<string, string>;
}

/**
 * A browser without JavaScript: it keeps cookies as a browser does (Domain, Path, Max-Age, Expires,
 * Secure, by tough-cookie), submits forms as a browser does, and follows redirects only when asked,
 * so a test can look at every hop.
 */
export class UserAgent {
  // Made on the first request: in the package, that loads the client side's script (./client-script.ts).
  #cookies: CookieJar | undefined;
  readonly #headers: Record<string, string>;

  constructor(options: UserAgentOptions = {}) {
    this.#headers = { ...options.headers, ...(options.acceptLanguage !== undefined && { 'accept-language': options.acceptLanguage }) };
  }

  get(url: string): Promise<Page> {
    return this.#request(url, { method: 'GET' });
  }

  /** What a link prefetcher or a link checker sends: the headers of a GET, without the body. */
  head(url: string): Promise<Page> {
    return this.#request(url, { method: 'HEAD' });
  }

  /** A form post of exactly these fields (a browser sends what `submit` sends: prefer that); `headers` go with this post alone (an Origin, say). */
  post(url: string, fields: Record<string, string> | [string, string][], headers: Record<string, string> = {}): Promise<Page> {
    return this.#request(url, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /**
   * Submits a form (or the form `options` picks on a page) as a user would: `values` filled in, hidden
   * fields along, and a button pressed, the first unless `options.button` or a value under a button's
   * name (`{ logout: 'yes' }`) says which.
   */
  async submit(target: Page | Form, values: FormValues = {}, options: SubmitOptions = {}): Promise<Page> {
    const form = 'controls' in target ? target : readForm(target, options);
    const isButton = (name: string) => !form.controls.some((control) => control.name === name) && form.buttons.some((button) => button.name === name);
    const presses: ButtonChoice[] = Object.entries(values).flatMap(([name, value]) => (isButton(name) ? [{ name, value: String(value) }] : []));
    if (options.button) presses.push(options.button);
    if (presses.length > 1) throw new Error(`a user presses one button, not ${presses.map((choice) => JSON.stringify(choice)).join(' and ')}`);
    const entries = entriesOf(fill(form, Object.fromEntries(Object.entries(values).filter(([name]) => !isButton(name)))));
    const press = pressed(form, presses[0]);
    if (press?.name !== undefined) entries.push([press.name, press.value]);
    if (form.method === 'POST') return this.post(form.action, entries);
    const url = new URL(form.action);
    url.search = new URLSearchParams(entries).toString();
    return this.get(url.href);
  }

  /** Follows redirects from `page` until a page answers with content, or the next hop is under `stopAt` (or `stopAt` says stop). */
  async follow(page: Page, stopAt?: string | ((next: URL) => boolean)): Promise<Page> {
    const stop = typeof stopAt === 'function' ? stopAt : (next: URL) => stopAt !== undefined && next.href.startsWith(stopAt);
    let current = page;
    for (let hops = 0; current.location !== undefined && !stop(new URL(current.location)); hops += 1) {
      if (hops > 10) throw new Error(`too many redirects, last: ${current.location}`);
      current = await this.get(current.location);
    }
    return current;
  }

  async #request(url: string, asking: Asking): Promise<Page> {
    const headers = lowerCased({ ...this.#headers, ...asking.headers });
    const cookies = (this.#cookies ??= new (clientPackages().CookieJar)());
    const cookie = await cookies.getCookieString(url);
    if (cookie) headers['cookie'] = cookie;
    const answer = await exchange(url, { ...asking, headers });
    for (const line of answer.headers['set-cookie'] ?? []) await cookies.setCookie(line, url, { ignoreError: true });
    const location = answer.headers.location;
    let made: Headers | undefined;
    return {
      status: answer.status,
      url,
      location: location && new URL(location, url).href,
      html: answer.text,
      get headers() {
        return (made ??= headersOf(answer.headers));
      },
    };
  }
}

/** Header names in lower case, as a browser sends them: a header given twice in two cases is sent once, the later value. */
function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
