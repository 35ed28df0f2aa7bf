import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readForm, readForms, textOf, UserAgent, validationMessages } from '../../provider/testing/web/index.js';

/**
 * A site of the test's own: `/set?cookie=<Set-Cookie line>` sets a cookie, every other path answers
 * with the Cookie header it received, `/page` serves the HTML in `?html=`, and POSTs echo their body.
 */
let server: Server;
let port: number;
const at = (path: string, host = 'localhost') => `http://${host}:${port}${path}`;
const setting = (line: string, path = '/set') => at(`${path}?${new URLSearchParams({ cookie: line })}`);
const page = (html: string) => ({ url: at('/form/here'), html, status: 200, location: undefined, headers: new Headers() });

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    if (url.searchParams.has('cookie')) return res.writeHead(200, { 'set-cookie': url.searchParams.get('cookie')! }).end('set');
    if (req.method === 'POST') {
      return void text(req).then((body) => res.end(`POST ${url.pathname} ${body}`));
    }
    if (url.pathname === '/redirect') return res.writeHead(302, { location: url.searchParams.get('to')! }).end();
    res.end(`GET ${url.pathname}${url.search} cookie=${req.headers.cookie ?? ''}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
afterEach(() => vi.useRealTimers());
/** Moves this process's Date, which the form client's cookie jar reads as a browser reads its own clock. */
const advance = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

describe('the form client keeps cookies as a browser does', () => {
  it('sends a cookie only under its Path: one for /interaction/x is not sent to /account', async () => {
    const agent = new UserAgent();
    await agent.get(setting('_interaction=abc; Path=/interaction/x; HttpOnly', '/interaction/x/set'));
    expect((await agent.get(at('/interaction/x/step'))).html).toContain('cookie=_interaction=abc');
    expect((await agent.get(at('/account'))).html).toMatch(/cookie=$/);
    expect((await agent.get(at('/interaction/y'))).html).toMatch(/cookie=$/);
  });

  it('deletes a cookie that comes back with Max-Age=0', async () => {
    const agent = new UserAgent();
    await agent.get(setting('session=1; Path=/'));
    expect((await agent.get(at('/'))).html).toContain('cookie=session=1');
    await agent.get(setting('session=1; Path=/; Max-Age=0'));
    expect((await agent.get(at('/'))).html).toMatch(/cookie=$/);
  });

  it("forgets a cookie once its Max-Age or Expires has passed on the browser's clock", async () => {
    const agent = new UserAgent();
    vi.useFakeTimers({ toFake: ['Date'] });
    await agent.get(setting('short=1; Path=/; Max-Age=60'));
    await agent.get(setting(`dated=1; Path=/; Expires=${new Date(Date.now() + 3_600_000).toUTCString()}`));
    expect((await agent.get(at('/'))).html).toContain('cookie=short=1; dated=1');
    advance(61);
    expect((await agent.get(at('/'))).html).toContain('cookie=dated=1');
    advance(3600);
    expect((await agent.get(at('/'))).html).toMatch(/cookie=$/);
  });

  it("keeps a cookie to the host that set it: localhost's is not sent to 127.0.0.1", async () => {
    const agent = new UserAgent();
    await agent.get(setting('host=1; Path=/'));
    expect((await agent.get(at('/'))).html).toContain('cookie=host=1');
    expect((await agent.get(at('/', '127.0.0.1'))).html).toMatch(/cookie=$/);
  });

  it('refuses a cookie for a Domain the host is not in, and sends HttpOnly and (on localhost) Secure ones', async () => {
    const agent = new UserAgent();
    await agent.get(setting('foreign=1; Domain=example.com; Path=/'));
    await agent.get(setting('guarded=1; Path=/; Secure; HttpOnly; SameSite=Lax'));
    expect((await agent.get(at('/'))).html).toMatch(/cookie=guarded=1$/);
  });

  it('keeps the cookies of each agent apart, and follows redirects only when asked', async () => {
    const [one, other] = [new UserAgent(), new UserAgent()];
    await one.get(setting('mine=1; Path=/'));
    const redirect = await one.get(at(`/redirect?${new URLSearchParams({ to: '/landed' })}`));
    expect(redirect).toMatchObject({ status: 302, location: at('/landed') });
    expect((await one.follow(redirect)).html).toBe('GET /landed cookie=mine=1');
    expect((await one.follow(redirect, at('/landed'))).status).toBe(302);
    expect((await other.get(at('/'))).html).toMatch(/cookie=$/);
  });
});

describe('the form client reads and submits forms as a browser does', () => {
  const html = `<!DOCTYPE html><html><body>
    <form id="first" method="post" action="/submit?step=1">
      <input type="hidden" name="Csrf" value="t&amp;k&quot;1">
      <input name="Username" type="email" value="anna@example.se">
      <input name="Password" type="password">
      <input type="checkbox" name="RememberCode" value="true">
      <input type="checkbox" name="Terms" checked>
      <input type="radio" name="Delivery" value="code"><input type="radio" name="Delivery" value="link" checked>
      <select name="Locale"><option value="sv-SE">Svenska</option><option selected>en</option></select>
      <select name="Empty"><option>first</option><option>second</option></select>
      <textarea name="Note">a note &lt;here&gt;</textarea>
      <input name="Off" value="x" disabled>
      <fieldset disabled><input name="Fenced" value="y"></fieldset>
      <input name="Elsewhere" value="z" form="second">
      <button type="submit" name="Choice" value="reset">Reset</button>
      <button type="submit" name="Choice" value="link">Link</button>
      <button type="button" name="Script" value="no">Not a submit button</button>
    </form>
    <form id="second" action="search"><input name="q" value="x y"></form>
    <button type="submit" form="second" name="go" value="yes">Outside, but of the second form</button>
    <div class="validation-summary"><ul><li><a href="#x">Fel &amp; fel</a></li><li> Two
      lines </li></ul></div>
    <p>Your code: <code id="code"> 123 <b>456</b> </code></p>
  </body></html>`;

  it('reads every field a browser would send: hidden ones, ticked boxes, the chosen radio, selected options, text areas', () => {
    const form = readForm(page(html));
    expect(form).toMatchObject({ id: 'first', action: at('/submit?step=1'), method: 'POST' });
    expect(form.fields).toEqual({
      Csrf: 't&k"1',
      Username: 'anna@example.se',
      Password: '',
      Terms: 'on',
      Delivery: 'link',
      Locale: 'en',
      Empty: 'first',
      Note: 'a note <here>',
    });
    expect(form.buttons.map(({ name, value, label }) => [name, value, label])).toEqual([
      ['Choice', 'reset', 'Reset'],
      ['Choice', 'link', 'Link'],
    ]);
  });

  it('counts a control with a form attribute to the form it names', () => {
    const second = readForm(page(html), { id: 'second' });
    expect(second).toMatchObject({ action: at('/form/search'), method: 'GET', fields: { q: 'x y', Elsewhere: 'z' } });
    expect(second.buttons).toEqual([{ name: 'go', value: 'yes', label: 'Outside, but of the second form' }]);
    expect(readForms(page(html)).map((form) => form.id)).toEqual(['first', 'second']);
  });

  it('submits the fields with the values filled in and the pressed button, hidden fields included', async () => {
    const form = readForm(page(html));
    const sent = await new UserAgent().submit(form, { Password: 'Hemligt&1', RememberCode: true, Terms: false, Delivery: 'code', Locale: 'sv-SE' }, { button: { value: 'link' } });
    expect(sent.html.startsWith('POST /submit ')).toBe(true);
    expect([...new URLSearchParams(sent.html.slice('POST /submit '.length))]).toEqual([
      ['Csrf', 't&k"1'],
      ['Username', 'anna@example.se'],
      ['Password', 'Hemligt&1'],
      ['RememberCode', 'true'],
      ['Delivery', 'code'],
      ['Locale', 'sv-SE'],
      ['Empty', 'first'],
      ['Note', 'a note <here>'],
      ['Choice', 'link'],
    ]);
  });

  it('picks a form of a page by its action, and presses the button a value names', async () => {
    const sent = await new UserAgent().submit(page(html), { Choice: 'link', Password: 'x' }, { action: '/submit?step=1' });
    expect(sent.html).toMatch(/^POST \/submit .*&Password=x&.*&Choice=link$/);
    const second = await new UserAgent().submit(page(html), { go: 'yes' }, { action: 'search' });
    expect(second.url).toBe(at('/form/search?Elsewhere=z&q=x+y&go=yes'));
  });

  it('posts exactly the fields it is given, with headers for that post alone', async () => {
    const answer = await new UserAgent({ headers: { 'x-test': 'every' } }).post(at('/echo'), { a: '1' }, { origin: 'https://elsewhere.example' });
    expect(answer).toMatchObject({ status: 200, html: 'POST /echo a=1' });
    expect(answer.headers.get('content-type')).toBeNull();
  });

  it('presses the first button when told none, and sends a GET form as the query', async () => {
    const agent = new UserAgent();
    expect((await agent.submit(readForm(page(html)))).html).toMatch(/&Choice=reset$/);
    expect(await agent.submit(readForm(page(html), { id: 'second' }), { q: 'å' })).toMatchObject({ url: at('/form/search?Elsewhere=z&q=%C3%A5&go=yes') });
  });

  it('refuses to fill in a field the form does not have, or a value it does not offer', async () => {
    const agent = new UserAgent();
    const form = readForm(page(html));
    await expect(agent.submit(form, { Off: 'x' })).rejects.toThrow(/has no field Off/);
    await expect(agent.submit(form, { Locale: 'de-DE' })).rejects.toThrow(/Locale has no option de-DE/);
    await expect(agent.submit(form, { Delivery: 'sms' })).rejects.toThrow(/Delivery has no choice sms/);
    await expect(agent.submit(form, {}, { button: { name: 'Script' } })).rejects.toThrow(/has no button/);
    await expect(agent.submit(form, { Choice: 'sms' })).rejects.toThrow(/has no button/);
    expect(() => readForm(page(html), { id: 'third' })).toThrow(/no form {"id":"third"}/);
  });

  it('reads the validation summary and the text of an element as a reader sees them', () => {
    expect(validationMessages(page(html))).toEqual(['Fel & fel', 'Two lines']);
    expect(validationMessages(page('<p>fine</p>'))).toEqual([]);
    expect(textOf(page(html), 'code')).toBe('123 456');
    expect(textOf(page(html), 'nothing')).toBeUndefined();
  });
});
