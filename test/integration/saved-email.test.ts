import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { elementById, textOf } from '../../provider/testing/web/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { readForm, UserAgent, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:4000/cb';
const fixtures = {
  clients: [{ clientId: 'hrm', clientSecret: 'secret', redirectUris: [CALLBACK] }],
  users: [{ email: 'maja@fri.se', password: 'Maja&Pass2025' }],
};

describe('"Save my email address for next time" on the identifier page', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const authorize = () =>
    `${emulator.issuer}/connect/authorize?${new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`;
  const identifierPage = async (agent: UserAgent) => agent.follow(await agent.get(authorize()));
  const prefilled = (page: Page) => readForm(page).fields['Username'];
  const boxTicked = (page: Page) => readForm(page).fields['SaveEmail'] === 'true';
  const savedEmailCookie = (page: Page) => page.headers.getSetCookie().find((line) => line.startsWith('mvc_saved_email='));

  /** The identifier page of a new sign-in, for a browser that sends this cookie along with the sign-in's own. */
  async function identifierWithCookie(cookie: string): Promise<Page> {
    const start = await new UserAgent().get(authorize());
    const own = start.headers.getSetCookie().map((line) => line.split(';')[0]);
    const response = await fetch(start.location!, { headers: { cookie: [...own, cookie].join('; ') }, redirect: 'manual' });
    return { status: response.status, url: start.location!, location: undefined, html: await response.text(), headers: response.headers };
  }

  it('offers the box unticked, with the advice against public or shared computers, in English and Swedish', async () => {
    const en = await identifierPage(new UserAgent({ acceptLanguage: 'en' }));
    expect(boxTicked(en)).toBe(false);
    expect(en.html).toContain('Save my e-mail address for next time');
    expect(textOf(en, 'save-email-hint')).toBe('Not recommended on public or shared computers');
    const sv = await identifierPage(new UserAgent({ acceptLanguage: 'sv-SE' }));
    expect(sv.html).toContain('Spara min e-postadress till nästa gång');
    expect(textOf(sv, 'save-email-hint')).toBe('Rekommenderas inte för offentliga eller delade datorer');
  });

  it('remembers the address for a year in an HttpOnly, SameSite=Lax cookie for the sign-in pages, and fills it in next time with the box ticked', async () => {
    const agent = new UserAgent();
    const passwordStep = await agent.submit(await identifierPage(agent), { Username: 'maja@fri.se', SaveEmail: true });
    expect(savedEmailCookie(passwordStep)).toBe(`mvc_saved_email=${Buffer.from('maja@fri.se').toString('base64url')}; Max-Age=31536000; Path=/interaction; HttpOnly; SameSite=Lax`);

    const nextTime = await identifierPage(agent);
    expect(prefilled(nextTime)).toBe('maja@fri.se');
    expect(boxTicked(nextTime)).toBe(true);
  });

  it('leaves nothing behind when the box is not ticked', async () => {
    const agent = new UserAgent();
    const passwordStep = await agent.submit(await identifierPage(agent), { Username: 'maja@fri.se' });
    expect(savedEmailCookie(passwordStep)).toBeUndefined();
    expect(prefilled(await identifierPage(agent))).toBe('');
  });

  it('forgets a saved address when the box is unticked', async () => {
    const agent = new UserAgent();
    await agent.submit(await identifierPage(agent), { Username: 'maja@fri.se', SaveEmail: true });
    const passwordStep = await agent.submit(await identifierPage(agent), { Username: 'maja@fri.se', SaveEmail: false });
    expect(savedEmailCookie(passwordStep)).toBe('mvc_saved_email=; Max-Age=0; Path=/interaction; HttpOnly; SameSite=Lax');

    const nextTime = await identifierPage(agent);
    expect(prefilled(nextTime)).toBe('');
    expect(boxTicked(nextTime)).toBe(false);
  });

  it('lets the address an app names in login_hint win over the saved one', async () => {
    const agent = new UserAgent();
    await agent.submit(await identifierPage(agent), { Username: 'maja@fri.se', SaveEmail: true });
    const hinted = await agent.follow(await agent.get(`${authorize()}&login_hint=${encodeURIComponent('erik@fri.se')}`));
    expect(prefilled(hinted)).toBe('erik@fri.se');
  });

  it.each([
    ['far too long', 'A'.repeat(8000)],
    ['not base64url', 'bWFqYUBmcmkuc2U=%%'],
    ['no e-mail address', Buffer.from('not an address').toString('base64url')],
    ['an address over 254 characters', Buffer.from(`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.se`).toString('base64url')],
    ['bytes that are no UTF-8', Buffer.from([0xff, 0xfe, 0x40, 0x00]).toString('base64url')],
  ])('ignores a saved value that is %s: an empty identifier page, not an error', async (_name, value) => {
    const page = await identifierWithCookie(`mvc_saved_email=${value}`);
    expect(page.status).toBe(200);
    expect(elementById(page, 'Username')).toBeDefined();
    expect(prefilled(page)).toBe('');
    expect(boxTicked(page)).toBe(false);
  });
});
