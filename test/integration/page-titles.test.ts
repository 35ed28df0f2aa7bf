import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderPage } from '../../provider/http/index.js';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { elementById, textOf } from '../../provider/testing/web/index.js';
import { readForm, UserAgent, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:4000/cb';
const fixtures = {
  domains: [{ name: 'strikt.se', twoFactor: 'required' }],
  clients: [{ clientId: 'hrm', clientSecret: 'secret', redirectUris: [CALLBACK] }],
  users: [
    { email: 'olle@fri.se', password: 'Olle&Pass2025', totpSecret: 'KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU', emergencyCode: 'AAAA-BBBB-CCCC-DDDD' },
    { email: 'erik@strikt.se', password: 'Erik&Pass2025' },
    { email: 'maja@fri.se', password: 'Maja&Pass2025' },
    { email: 'nils@fri.se', password: 'Nils&Pass2025', securityKeys: [{}] },
    { email: 'nora@fri.se', password: 'Nora&Pass2025', securityKeys: [{}], emergencyCode: 'EEEE-FFFF-GGGG-HHHH' },
    { email: 'per@fri.se', password: 'Per&Pass2025' },
  ],
};

/** Every page a user or developer can reach: its template, and the title it must have in English and Swedish. */
const PAGES = {
  'bad authorization request': ['error', 'Something went wrong', 'Något gick fel'],
  'expired sign-in': ['error', 'Something went wrong', 'Något gick fel'],
  identifier: ['identifier', 'Sign in', 'Logga in'],
  password: ['password', 'Sign in', 'Logga in'],
  'forgot during a sign-in': ['forgot', 'Forgot your password?', 'Glömt ditt lösenord?'],
  'check your inbox during a sign-in': ['check-inbox', 'Check your inbox', 'Kolla din inkorg'],
  'two-factor code': ['two-factor', 'Two-step verification', 'Tvåstegsverifiering'],
  'emergency code after use': ['emergency-code', 'Your emergency code', 'Din nödkod'],
  'try another way': ['another-way', 'Choose another way to verify', 'Välj ett annat sätt att verifiera'],
  'sign in with the emergency code': ['use-emergency-code', 'Sign in with your emergency code', 'Logga in med din nödkod'],
  'lost authenticator?': ['lost-authenticator', 'Do you still have your authenticator app?', 'Har du kvar din autentiseringsapp?'],
  'lost security key?': ['lost-security-key', 'Do you still have your security key?', 'Har du kvar din säkerhetsnyckel?'],
  'sign out?': ['logout', 'Sign out', 'Logga ut'],
  'signed out': ['logged-out', 'You are signed out', 'Du är utloggad'],
  enrollment: ['enroll', 'Set up two-step verification', 'Aktivera tvåstegsverifiering'],
  'enrollment: a security key': ['enroll-security-key', 'Set up two-step verification', 'Aktivera tvåstegsverifiering'],
  'security key': ['security-key', 'Use your security key', 'Använd din säkerhetsnyckel'],
  'passkey offer': ['passkey-offer', 'Tired of passwords?', 'Trött på lösenord?'],
  'account settings': ['account', 'Account Settings', 'Account Settings'],
  'account settings: set up 2FA': ['enroll', 'Set up two-step verification', 'Aktivera tvåstegsverifiering'],
  'account settings: set up a security key': ['enroll-security-key', 'Set up two-step verification', 'Aktivera tvåstegsverifiering'],
  'forgot outside a sign-in': ['forgot', 'Forgot your password?', 'Glömt ditt lösenord?'],
  'check your inbox outside a sign-in': ['check-inbox', 'Check your inbox', 'Kolla din inkorg'],
  'set a new password': ['set-password', 'Choose a new password', 'Välj ett nytt lösenord'],
  'password changed': ['message', 'Your password is changed', 'Ditt lösenord är ändrat'],
  'link that does not work': ['message', 'This link does not work any more', 'Länken fungerar inte längre'],
  mailbox: ['mailbox', 'Mailbox', 'E-postlåda'],
  'no such mail': ['mailbox', 'Mailbox', 'E-postlåda'],
  mail: ['mail', 'Mail: {subject}', 'E-post: {subject}'],
  'sign-in debugger': ['debugger', 'Sign-in debugger', 'Inloggningsfelsökare'],
  'sign-in debugger: the tokens': ['debugger-result', 'Sign-in debugger: the tokens', 'Inloggningsfelsökare: tokens'],
  'sign-in debugger: nothing to continue': ['debugger-problem', 'Sign-in debugger', 'Inloggningsfelsökare'],
  'sign-in debugger: a fragment response': ['debugger-fragment', 'Sign-in debugger', 'Inloggningsfelsökare'],
  'control room': ['control-room', 'Control room', 'Kontrollrum'],
  'decisions taken': ['decisions', '2FA decisions', '2FA-beslut'],
} as const;
type Label = keyof typeof PAGES;

const linkOn = (page: Page, id: string) => new URL(elementById(page, id)!.attrs.find((attr) => attr.name === 'href')!.value, page.url).href;
const titleOf = (page: Page) => /<title>([^<]*)<\/title>/.exec(page.html)?.[1];

describe('page titles', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const authorize = (clientId = 'hrm') =>
    `${emulator.issuer}/connect/authorize?${new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, response_mode: 'form_post', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`;

  /** Walks to every page in one language and keeps what each answered. */
  async function walk(acceptLanguage: string): Promise<{ pages: Record<Label, Page>; subject: string }> {
    const pages = {} as Record<Label, Page>;
    const agent = new UserAgent({ acceptLanguage });
    const go = async (page: Page, form: Record<string, string>, stopAt?: string) => agent.follow(await agent.post(readForm(page).action, form), stopAt);

    pages['bad authorization request'] = await agent.get(authorize('no-such-app'));
    pages['expired sign-in'] = await agent.get(`${emulator.issuer}/interaction/no-such-sign-in`);
    const identifier = (pages.identifier = await agent.follow(await agent.get(authorize())));
    pages['forgot during a sign-in'] = await agent.get(`${identifier.url}/forgot`);
    pages['check your inbox during a sign-in'] = await go(pages['forgot during a sign-in'], { Username: 'maja@fri.se', Choice: 'reset' });
    pages.password = await go(identifier, { Username: 'olle@fri.se' });
    pages['two-factor code'] = await go(pages.password, { Password: 'Olle&Pass2025' });
    pages['emergency code after use'] = await go(pages['two-factor code'], { AuthCode: 'AAAA-BBBB-CCCC-DDDD' });
    await go(pages['emergency code after use'], {}, CALLBACK);
    const newEmergencyCode = textOf(pages['emergency code after use'], 'emergency-code')!;
    const recovering = new UserAgent({ acceptLanguage });
    const recover = async (page: Page, form: Record<string, string>) => recovering.follow(await recovering.post(readForm(page).action, form));
    const codePage = await recover(await recover(await recovering.follow(await recovering.get(authorize())), { Username: 'olle@fri.se' }), { Password: 'Olle&Pass2025' });
    pages['try another way'] = await recovering.get(linkOn(codePage, 'try-another-way'));
    pages['sign in with the emergency code'] = await recovering.get(linkOn(pages['try another way'], 'use-emergency-code'));
    pages['lost authenticator?'] = await recover(pages['sign in with the emergency code'], { AuthCode: newEmergencyCode });
    pages['sign out?'] = await agent.get(`${emulator.issuer}/connect/endsession`);
    pages['signed out'] = await go(pages['sign out?'], { ...readForm(pages['sign out?']).fields, logout: 'yes' });

    const enrolling = await agent.follow(await agent.get(authorize()));
    pages.enrollment = await go(await go(enrolling, { Username: 'erik@strikt.se' }), { Password: 'Erik&Pass2025' });
    pages['enrollment: a security key'] = await agent.get(`${pages.enrollment.url}/security-key`);
    const keyed = await agent.follow(await agent.get(authorize()));
    pages['security key'] = await go(await go(keyed, { Username: 'nils@fri.se' }), { Password: 'Nils&Pass2025' });
    const keyOnly = new UserAgent({ acceptLanguage });
    const keyOnlyGo = async (page: Page, form: Record<string, string>) => keyOnly.follow(await keyOnly.post(readForm(page).action, form));
    const keyPage = await keyOnlyGo(await keyOnlyGo(await keyOnly.follow(await keyOnly.get(authorize())), { Username: 'nora@fri.se' }), { Password: 'Nora&Pass2025' });
    const keyOnlyEmergency = await keyOnly.get(linkOn(await keyOnly.get(linkOn(keyPage, 'try-another-way')), 'use-emergency-code'));
    pages['lost security key?'] = await keyOnlyGo(keyOnlyEmergency, { AuthCode: 'EEEE-FFFF-GGGG-HHHH' });
    const offered = await agent.follow(await agent.get(authorize()));
    pages['passkey offer'] = await go(await go(offered, { Username: 'per@fri.se' }), { Password: 'Per&Pass2025', PasskeyCapable: 'true' });

    const settings = new UserAgent({ acceptLanguage });
    const signIn = await settings.follow(await settings.get(`${emulator.issuer}/account`));
    const passwordPage = await settings.follow(await settings.post(readForm(signIn).action, { Username: 'maja@fri.se' }));
    pages['account settings'] = await settings.follow(await settings.post(readForm(passwordPage).action, { Password: 'Maja&Pass2025' }));
    pages['account settings: set up 2FA'] = await settings.get(`${emulator.issuer}/account/two-factor/setup`);
    pages['account settings: set up a security key'] = await settings.get(`${emulator.issuer}/account/two-factor/setup/security-key`);

    pages['forgot outside a sign-in'] = await agent.get(`${emulator.issuer}/forgot-password`);
    pages['check your inbox outside a sign-in'] = await go(pages['forgot outside a sign-in'], { Username: 'maja@fri.se', Choice: 'reset' });
    const mail = (await (await fetch(`${emulator.url}/_mock/mail/latest?to=maja@fri.se`)).json()) as { id: string; subject: string; links: string[] };
    const resetLink = mail.links.find((link) => new URL(link).pathname === '/reset-password')!;
    pages['set a new password'] = await agent.get(resetLink);
    pages['password changed'] = await go(pages['set a new password'], { Password: 'Nytt&Pass2026', ConfirmPassword: 'Nytt&Pass2026' });
    pages['link that does not work'] = await agent.get(resetLink);

    pages.mailbox = await agent.get(`${emulator.url}/_mock/mail`);
    pages['no such mail'] = await agent.get(`${emulator.url}/_mock/mail/no-such-mail`);
    pages.mail = await agent.get(`${emulator.url}/_mock/mail/${encodeURIComponent(mail.id)}`);

    const debuggerStart = (mode: string) => `${emulator.issuer}/_mock/debugger/start?client=hrm&scope=openid&response_mode=${mode}`;
    pages['sign-in debugger'] = await agent.get(`${emulator.url}/_mock/debugger`);
    pages['sign-in debugger: nothing to continue'] = await new UserAgent({ acceptLanguage }).get(`${emulator.issuer}/_mock/debugger/result`);
    const debuggerAgent = new UserAgent({ acceptLanguage });
    const debuggerSignIn = await debuggerAgent.follow(await debuggerAgent.get(debuggerStart('query')));
    const debuggerPassword = await debuggerAgent.follow(await debuggerAgent.post(readForm(debuggerSignIn).action, { Username: 'maja@fri.se' }));
    // Maja's password is the one she chose on the set-password page above.
    pages['sign-in debugger: the tokens'] = await debuggerAgent.follow(await debuggerAgent.post(readForm(debuggerPassword).action, { Password: 'Nytt&Pass2026' }));
    await debuggerAgent.follow(await debuggerAgent.get(debuggerStart('fragment')));
    pages['sign-in debugger: a fragment response'] = await debuggerAgent.get(`${emulator.issuer}/_mock/debugger/callback`);
    const browser = new UserAgent({ acceptLanguage, headers: { accept: 'text/html' } });
    pages['control room'] = await browser.get(`${emulator.url}/_mock`);
    pages['decisions taken'] = await browser.get(`${emulator.url}/_mock/decisions`);
    return { pages, subject: mail.subject };
  }

  it.each([
    ['English', 'en', 1],
    ['Swedish', 'sv-SE', 2],
  ] as const)('gives every page a human title in %s', async (_name, acceptLanguage, column) => {
    const { pages, subject } = await walk(acceptLanguage);
    const titles = Object.fromEntries(Object.entries(pages).map(([label, page]) => [label, titleOf(page)]));
    const expected = Object.fromEntries(Object.entries(PAGES).map(([label, row]) => [label, `${row[column].replace('{subject}', subject)} – Visma Connect`]));
    expect(titles).toEqual(expected);
  });

  it('translates the message a page names as its title', () => {
    const page = renderPage('message', { title: 'linkInvalidTitle', language: 'sv', heading: 'linkInvalidTitle', lines: [], vars: {} });
    expect(titleOf({ status: 200, url: '', location: undefined, html: page, headers: new Headers() })).toBe('Länken fungerar inte längre – Visma Connect');
  });

  it('prints a value that is not there as nothing, and a control character as U+FFFD', () => {
    const page = renderPage('error', { language: 'en', error: undefined, description: 'a\u0000b' });
    expect(page).toContain('<code id="error-code"></code>');
    expect(page).toContain('<dd id="error-description">a\uFFFDb</dd>');
  });

  it('titles the front-channel sign-out page, which only an app with a frontchannelLogoutUri reaches', () => {
    const page = (language: 'en' | 'sv') => renderPage('frontchannel-logout', { language, frames: [], continueTo: '/' });
    expect([titleOf({ status: 200, url: '', location: undefined, html: page('en'), headers: new Headers() }), titleOf({ status: 200, url: '', location: undefined, html: page('sv'), headers: new Headers() })]).toEqual([
      'Sign out – Visma Connect',
      'Logga ut – Visma Connect',
    ]);
  });

  it('walks every page template there is', () => {
    // check-session is no page: a document apps frame (OIDC Session Management), with no layout or title.
    const notWalked = new Set(['check-session', 'frontchannel-logout']);
    const templates = readdirSync('views')
      .filter((file) => file.endsWith('.ejs') && file !== 'layout.ejs' && !file.startsWith('_'))
      .map((file) => file.slice(0, -'.ejs'.length));
    expect(new Set(Object.values(PAGES).map(([template]) => template))).toEqual(new Set(templates.filter((template) => !notWalked.has(template))));
  });
});

/** What the compiler refuses (`npm run typecheck` fails if any of these compiles): a title is a message, never text. */
export function refusedTitles(): void {
  // @ts-expect-error a page with a title of its own takes no other
  renderPage('identifier', { title: 'signInTitle', language: 'sv' });
  // @ts-expect-error a template name is no title
  renderPage('message', { title: 'identifier', language: 'sv' });
  // @ts-expect-error nor is text
  renderPage('message', { title: 'Länken fungerar inte längre', language: 'sv' });
}
