import { UserAgent, type Form, type FormValues, type Page } from '../../provider/testing/web/index.js';

/** A browser of one scenario: the testing library's form and cookie client, following redirects while they stay on the emulator. */
export class Browser {
  readonly #agent = new UserAgent({ headers: { accept: 'text/html' } });
  /** The last page; its `location` is set when the emulator sent the browser away (to an app's redirect_uri). */
  page: Page | undefined;

  constructor(private readonly origins: string[]) {}

  /** The last page, for a step that answers it; before any, the step fails with what to do first. */
  current(): Page {
    if (!this.page) throw new Error('this browser has no page yet: a login or open step comes first');
    return this.page;
  }

  async get(url: string): Promise<Page> {
    return this.#land(await this.#agent.get(url));
  }

  /** A form post whose answer is JSON (a WebAuthn ceremony's options), sent with this browser's cookies; the page stays. */
  async postForJson(url: string): Promise<unknown> {
    const answer = await this.#agent.post(url, {});
    if (answer.status !== 200) throw new Error(`POST ${url} answered ${answer.status}`);
    return JSON.parse(answer.html);
  }

  async submit(form: Form, values?: FormValues): Promise<Page> {
    return this.#land(await this.#agent.submit(form, values));
  }

  async #land(answer: Page): Promise<Page> {
    return (this.page = await this.#agent.follow(answer, (next) => !this.origins.includes(next.origin)));
  }
}
