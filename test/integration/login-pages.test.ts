import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';

const fixtures = {
  clients: [
    { clientId: 'hrm', name: 'Flex HRM', clientSecret: 'x', redirectUris: [CALLBACK] },
    { clientId: 'spa', redirectUris: ['http://localhost:3004/callback'] },
    { clientId: 'dollars', name: "Acme $' $& $` $$ $1 AB", clientSecret: 'x', redirectUris: [CALLBACK] },
  ],
  users: [{ email: 'sara.ek@example.se', password: 'Lugn&Fin2025', givenName: 'Sara', familyName: 'Ek' }],
};

function authorizeUrl(issuer: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: 'hrm',
    response_type: 'code',
    scope: 'openid profile',
    redirect_uri: CALLBACK,
    response_mode: 'form_post',
    nonce: 'n-1',
    state: 's-1',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...params,
  });
  return `${issuer}/connect/authorize?${query}`;
}

describe('the login pages', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  async function identifierPage(agent: UserAgent, params?: Record<string, string>): Promise<Page> {
    return agent.follow(await agent.get(authorizeUrl(emulator.issuer, params)));
  }

  async function passwordPage(agent: UserAgent, email: string): Promise<Page> {
    const identifier = await identifierPage(agent);
    return agent.follow(await agent.post(readForm(identifier).action, { Username: email }));
  }

  it('asks for the e-mail address first, in a form with the Username field, naming the application', async () => {
    const page = await identifierPage(new UserAgent());
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(page.html).toContain('name="Username"');
    expect(page.html).not.toContain('name="Password"');
    expect(page.html).toContain('to continue to Flex HRM');
  });

  it("names the application as its name is written, $' and $& included", async () => {
    const agent = new UserAgent();
    const identifier = await identifierPage(agent, { client_id: 'dollars' });
    const lead = (page: Page) => /<p class="lead">([^<]*)<\/p>/.exec(page.html)![1];
    expect(lead(identifier)).toBe('to continue to Acme $&#39; $&amp; $` $$ $1 AB');
    const password = await agent.follow(await agent.post(readForm(identifier).action, { Username: 'sara.ek@example.se' }));
    expect(lead(password)).toBe('to continue to Acme $&#39; $&amp; $` $$ $1 AB');
  });

  it('re-renders the identifier page with a validation summary when the address is malformed, keeping what was typed', async () => {
    const agent = new UserAgent();
    const identifier = await identifierPage(agent);
    const again = await agent.post(readForm(identifier).action, { Username: 'not-an-address' });
    expect(again.status).toBe(200);
    expect(again.url).toBe(identifier.url);
    expect(validationMessages(again)).toEqual(['Enter a valid email address, like name@example.com.']);
    expect(readForm(again).fields['Username']).toBe('not-an-address');
  });

  it('asks for an address when the field is left empty', async () => {
    const agent = new UserAgent();
    const identifier = await identifierPage(agent);
    const again = await agent.post(readForm(identifier).action, { Username: '  ' });
    expect(validationMessages(again)).toEqual(['Enter your email address.']);
  });

  it('gives the same message for a wrong password and for an unknown address', async () => {
    const agent = new UserAgent();
    const page = await passwordPage(agent, 'sara.ek@example.se');
    expect(page.html).toContain('name="Password"');
    const wrong = await agent.post(readForm(page).action, { Password: 'Fel&Fel2025' });
    expect(wrong.status).toBe(200);
    expect(validationMessages(wrong)).toEqual(['The email address or password is incorrect.']);

    const stranger = new UserAgent();
    const unknownPage = await passwordPage(stranger, 'nobody@example.se');
    expect(unknownPage.html).toContain('name="Password"');
    const unknown = await stranger.post(readForm(unknownPage).action, { Password: 'Lugn&Fin2025' });
    expect(unknown.status).toBe(200);
    expect(validationMessages(unknown)).toEqual(validationMessages(wrong));
  });

  it('refuses a login form posted from a browser that did not start the sign-in', async () => {
    const page = await passwordPage(new UserAgent(), 'sara.ek@example.se');
    const elsewhere = await new UserAgent().post(readForm(page).action, { Password: 'Lugn&Fin2025' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.html).toContain('This sign-in has expired or was opened in another browser');
  });

  it('answers a form too large to read with a 413 page that says so', async () => {
    const agent = new UserAgent({ headers: { accept: 'text/html' } });
    const identifier = await identifierPage(agent);
    const refused = await agent.post(readForm(identifier).action, { Username: 'x'.repeat(70_000) });
    expect(refused.status).toBe(413);
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(refused.html).toContain('the request body is larger than 65536 bytes');
    expect(refused.html).toContain('What the form sent was too large to be read.');
    const swedish = new UserAgent({ headers: { accept: 'text/html' }, acceptLanguage: 'sv' });
    const tooLarge = await swedish.post(readForm(await identifierPage(swedish)).action, { Username: 'x'.repeat(70_000) });
    expect(tooLarge.html).toContain('Det som formuläret skickade var för stort för att läsas.');
  });

  it('says the sign-in is over, in the page language, when the browser goes back to its resume step', async () => {
    const agent = new UserAgent({ acceptLanguage: 'sv' });
    const page = await passwordPage(agent, 'sara.ek@example.se');
    const resume = await agent.post(readForm(page).action, { Password: 'Lugn&Fin2025' });
    expect(resume.location).toMatch(/\/connect\/authorize\//);
    await agent.follow(resume);
    const again = await agent.get(new URL(resume.location!, page.url).href);
    expect(again.status).toBe(400);
    expect(again.html).toContain('Inloggningen har gått ut eller öppnades i en annan webbläsare.');
  });

  it('asks for the password when it is left empty', async () => {
    const agent = new UserAgent();
    const page = await passwordPage(agent, 'sara.ek@example.se');
    const empty = await agent.post(readForm(page).action, { Password: '' });
    expect(validationMessages(empty)).toEqual(['Enter your password.']);
  });

  it('matches the e-mail address without regard to case and completes the login with a form_post to the app', async () => {
    const agent = new UserAgent();
    const page = await passwordPage(agent, 'SARA.EK@Example.SE');
    const answer = await agent.follow(await agent.post(readForm(page).action, { Password: 'Lugn&Fin2025' }), CALLBACK);
    const post = readForm(answer);
    expect(post.action).toBe(CALLBACK);
    expect(post.fields).toMatchObject({ state: 's-1', iss: emulator.issuer });
    expect(post.fields['code']).toEqual(expect.any(String));
  });

  it('speaks Swedish when ui_locales asks for it', async () => {
    const page = await identifierPage(new UserAgent(), { ui_locales: 'sv-SE en' });
    expect(page.html).toContain('<html lang="sv">');
    expect(page.html).toContain('E-postadress');
    expect(page.html).toContain('Nästa');
  });

  it('speaks Swedish when the browser prefers it and English otherwise', async () => {
    const swedish = await identifierPage(new UserAgent({ acceptLanguage: 'sv-SE,sv;q=0.9,en;q=0.5' }));
    expect(swedish.html).toContain('E-postadress');
    const english = await identifierPage(new UserAgent({ acceptLanguage: 'de-DE' }));
    expect(english.html).toContain('Email address');
  });

  it('shows Swedish validation messages on a Swedish page', async () => {
    const agent = new UserAgent({ acceptLanguage: 'sv' });
    const identifier = await identifierPage(agent);
    const again = await agent.post(readForm(identifier).action, { Username: 'fel' });
    expect(validationMessages(again)).toEqual(['Ange en giltig e-postadress, till exempel namn@exempel.se.']);
  });

  it('escapes what the user typed', async () => {
    const agent = new UserAgent();
    const identifier = await identifierPage(agent);
    const again = await agent.post(readForm(identifier).action, { Username: '"><script>alert(1)</script>' });
    expect(again.html).not.toContain('<script>alert(1)</script>');
    expect(again.html).toContain('&lt;script&gt;');
  });

  it('shows an error page, without redirecting, for an unknown client', async () => {
    const page = await new UserAgent().get(authorizeUrl(emulator.issuer, { client_id: 'no-such-app' }));
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('invalid_client');
  });

  it('shows an error page, without redirecting, for a redirect_uri the client did not register', async () => {
    const page = await new UserAgent().get(authorizeUrl(emulator.issuer, { redirect_uri: 'https://evil.example/steal' }));
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('redirect_uri did not match any of the client');
    expect(page.html).not.toContain('evil.example/steal"');
  });

  it('refuses a public client that sends no PKCE challenge, telling the app at its registered redirect_uri', async () => {
    const url = authorizeUrl(emulator.issuer, { client_id: 'spa', redirect_uri: 'http://localhost:3004/callback', response_mode: 'query', code_challenge: '', code_challenge_method: '' });
    const page = await new UserAgent().get(url.replace(/&code_challenge(_method)?=(?=&|$)/g, ''));
    const location = new URL(page.location!);
    expect(location.origin).toBe('http://localhost:3004');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('tells the user to start again when the sign-in has expired', async () => {
    const agent = new UserAgent();
    const identifier = await identifierPage(agent);
    await fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":7200}' });
    const expired = await agent.post(readForm(identifier).action, { Username: 'sara.ek@example.se' });
    expect(expired.status).toBe(400);
    expect(expired.html).toContain('This sign-in has expired');
  });

  it('shows the identifier page again for prompt=select_account, even with a session', async () => {
    const agent = new UserAgent();
    const page = await passwordPage(agent, 'sara.ek@example.se');
    await agent.follow(await agent.post(readForm(page).action, { Password: 'Lugn&Fin2025' }), CALLBACK);

    const silent = await agent.follow(await agent.get(authorizeUrl(emulator.issuer)), CALLBACK);
    expect(readForm(silent).action).toBe(CALLBACK);

    const choose = await identifierPage(agent, { prompt: 'select_account' });
    expect(choose.html).toContain('name="Username"');
  });

  it('answers prompt=none without a session with login_required at the redirect_uri', async () => {
    const page = await new UserAgent().get(authorizeUrl(emulator.issuer, { prompt: 'none', response_mode: 'query' }));
    const location = new URL(page.location!);
    expect(location.origin + location.pathname).toBe(CALLBACK);
    expect(location.searchParams.get('error')).toBe('login_required');
  });

  it('asks again for prompt=login, and passes prompt=consent straight through without a consent screen', async () => {
    const agent = new UserAgent();
    const page = await passwordPage(agent, 'sara.ek@example.se');
    await agent.follow(await agent.post(readForm(page).action, { Password: 'Lugn&Fin2025' }), CALLBACK);

    const again = await identifierPage(agent, { prompt: 'login' });
    expect(again.html).toContain('name="Username"');

    const consent = await agent.follow(await agent.get(authorizeUrl(emulator.issuer, { prompt: 'consent' })), CALLBACK);
    expect(readForm(consent).action).toBe(CALLBACK);
    expect(readForm(consent).fields['code']).toEqual(expect.any(String));
  });

  it('serves its one stylesheet locally and no external assets', async () => {
    const page = await identifierPage(new UserAgent());
    const references = [...page.html.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]);
    expect(references.every((ref) => ref!.startsWith('/'))).toBe(true);
    const css = await fetch(`${emulator.url}/assets/site.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });
});
