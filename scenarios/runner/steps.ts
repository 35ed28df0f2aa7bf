import { createGuardrails, generate } from 'otplib';
import { elementById, formWith, readForm, readForms, textOf, validationMessages } from '../../provider/testing/web/index.js';
import { differences, pick } from './expectations.js';
import type { LoginExpect, Step, StepOf } from './schema.js';
import { authorizeUrl, tokenRequest, TokenError, type AuthorizationParameters, type Tokens } from '../../provider/testing/sign-in.js';
import { outcomeOf, type Outcome } from './sign-in.js';
import { type BrowserState, whyRefused, type World } from './world.js';
import { passkeyStep, securityKeyStep } from './webauthn-steps.js';

const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** What went wrong with a step, as the lines a person reads. */
export class StepFailure extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('; '));
  }
}

function check(problems: string[]): void {
  if (problems.length) throw new StepFailure(problems);
}

export function checkOutcome(outcome: Outcome, expected: LoginExpect): void {
  if (!expected) return;
  const problems: string[] = [];
  if (expected.prompt && outcome.prompt !== expected.prompt) {
    problems.push(`expected prompt ${expected.prompt}, got ${outcome.prompt}${outcome.error ? ` (${outcome.error})` : ''}${outcome.message ? ` ("${outcome.message}")` : ''}`);
  }
  if (expected.error && outcome.error !== expected.error) problems.push(`expected error ${expected.error}, got ${outcome.error ?? 'none'}`);
  if (expected.message && !(outcome.message ?? '').includes(expected.message)) problems.push(`expected the message "${expected.message}", got "${outcome.message ?? ''}"`);
  if (expected.claims) problems.push(...differences(outcome.claims, expected.claims, 'claims'));
  check(problems);
}

/** Past the emergency-code page (after enrolling or using the code), remembering the code shown. */
export async function settle(world: World, state: BrowserState): Promise<Outcome> {
  let outcome = await outcomeOf(world, state);
  if (outcome.prompt === 'emergency-code') {
    const page = state.browser.current();
    if (state.user) world.emergencyCodes.set(state.user, textOf(page, 'emergency-code')!);
    await state.browser.submit(readForm(page));
    outcome = await outcomeOf(world, state);
  }
  return outcome;
}

async function risk(world: World, network: string | undefined): Promise<void> {
  if (network === undefined) return;
  const body = network === 'trusted' ? { trustedNetwork: true } : network === 'untrusted' ? { trustedNetwork: false } : { clientIp: network };
  const answer = await world.call('PUT', '/_mock/risk', body);
  if (answer.status !== 200) throw new StepFailure([`PUT /_mock/risk answered ${answer.status}: ${JSON.stringify(answer.body)}`]);
}

async function currentTotp(world: World, user: string): Promise<string> {
  const answer = await world.call<{ code: string }>('GET', `/_mock/totp?email=${encodeURIComponent(user)}`);
  if (answer.status !== 200) throw new StepFailure([`no TOTP code for ${user}: ${whyRefused(answer)}`]);
  return answer.body.code;
}

/** A new sign-in of `user` at `client` in a browser: its first page. */
export async function startSignIn(world: World, state: BrowserState, start: { client: string; user: string; network?: string | undefined } & AuthorizationParameters) {
  await risk(world, start.network);
  const pending = world.newLogin(start.client);
  state.login = pending;
  state.user = start.user.toLowerCase();
  return state.browser.get(authorizeUrl(world.target.url, pending, start));
}

async function loginStep(world: World, { login, expect }: StepOf<'login'>): Promise<void> {
  const state = world.browser(login.browser);
  const user = login.user.toLowerCase();
  let page = await startSignIn(world, state, login);
  const identifier = page.location ? undefined : formWith(page, 'Username');
  if (identifier) {
    page = await state.browser.submit(identifier, { Username: login.user });
    const passwordForm = formWith(page, 'Password');
    if (passwordForm) {
      const password = login.password ?? world.passwords.get(user);
      if (password === undefined) throw new StepFailure([`no password for ${login.user}: give one in the step or the scenario's fixtures`]);
      await state.browser.submit(passwordForm, { Password: password });
    }
  }
  checkOutcome(await settle(world, state), expect);
}

async function twoFactorStep(world: World, { twoFactor, expect }: StepOf<'twoFactor'>): Promise<void> {
  const state = world.browser(twoFactor.browser);
  const user = state.user!;
  const page = state.browser.current();
  const form = formWith(page, 'AuthCode');
  if (!form || !formWith(page, 'RememberCode')) throw new StepFailure(['the browser is not on the 2FA code page']);
  let code = twoFactor.code;
  if (code === 'right') code = await currentTotp(world, user);
  else if (code === 'wrong') code = (await currentTotp(world, user)) === '000000' ? '111111' : '000000';
  else if (code === 'replayed') code = world.lastCodes.get(user) ?? '';
  else if (code === 'emergency') code = world.emergencyCodes.get(user) ?? '';
  if (code === '') throw new StepFailure([`no ${twoFactor.code} code is known for ${user}`]);
  if (/^\d{6}$/.test(code)) world.lastCodes.set(user, code);
  await state.browser.submit(form, { AuthCode: code, RememberCode: twoFactor.remember ?? false });
  checkOutcome(await settle(world, state), expect);
}

async function enrollStep(world: World, { enroll, expect }: StepOf<'enroll'>): Promise<void> {
  const state = world.browser(enroll.browser);
  const page = state.browser.current();
  const secret = textOf(page, 'totp-secret')?.replace(/\s/g, '');
  if (!secret) throw new StepFailure(['the browser is not on the enrollment page']);
  if (enroll.later) {
    const later = readForms(page).find((form) => form.action.endsWith('/enroll/later'));
    if (!later) throw new StepFailure(['the enrollment page offers no "Remind me later"']);
    await state.browser.submit(later);
  } else {
    const right = await generate({ secret, epoch: await world.now(), guardrails });
    await state.browser.submit(formWith(page, 'AuthCode')!, { AuthCode: enroll.code === 'wrong' ? (right === '000000' ? '111111' : '000000') : right });
    if (enroll.code !== 'wrong' && state.user) world.lastCodes.set(state.user, right);
  }
  checkOutcome(await settle(world, state), expect);
}

async function passwordStep(world: World, { password, expect }: StepOf<'password'>): Promise<void> {
  const state = world.browser(password.browser);
  const form = formWith(state.browser.current(), 'Password');
  if (!form) throw new StepFailure(['the browser is not on the password page']);
  await state.browser.submit(form, { Password: password.password });
  checkOutcome(await settle(world, state), expect);
}

async function clockStep(world: World, { clock }: StepOf<'clock'>): Promise<void> {
  const answer = await world.call('POST', '/_mock/clock', 'advance' in clock ? { advanceSeconds: clock.advance } : { now: clock.now });
  if (answer.status !== 200) throw new StepFailure([`POST /_mock/clock answered ${answer.status}: ${JSON.stringify(answer.body)}`]);
}

async function riskStep(world: World, { risk: body }: StepOf<'risk'>): Promise<void> {
  const answer = await world.call('PUT', '/_mock/risk', body);
  if (answer.status !== 200) throw new StepFailure([`PUT /_mock/risk answered ${answer.status}: ${JSON.stringify(answer.body)}`]);
}

async function fixturesStep(world: World, { fixtures }: StepOf<'fixtures'>): Promise<void> {
  const answer = await world.call('POST', '/_mock/fixtures', fixtures);
  if (answer.status !== 200) throw new StepFailure([`the fixtures were refused: ${whyRefused(answer)}`]);
  world.learnFixtures(fixtures);
}

async function faultStep(world: World, { fault }: StepOf<'fault'>): Promise<void> {
  const answer = await world.call('POST', '/_mock/faults', fault);
  if (answer.status !== 201) throw new StepFailure([`the fault was refused: ${whyRefused(answer)}`]);
}

async function apiStep(world: World, { api, expect, save }: StepOf<'api'>): Promise<void> {
  const clientId = api.client ?? 'hrm-api';
  const secret = api.secret ?? world.client(clientId).secret ?? '';
  const scope = api.scope ?? 'connect:users';
  const grant = { grant_type: 'client_credentials', ...(scope && { scope }), ...(api.tenantId && { tenant_id: api.tenantId }) };
  const token = await tokenRequest(world.target, { clientId, secret }, grant).catch((error: Error) => {
    throw new StepFailure([`no API token for ${clientId}: ${error.message}`]);
  });
  const answer = await world.call(api.method, `/api/v1${api.path.startsWith('/') ? api.path : `/${api.path}`}`, api.body, token.accessToken);
  const problems: string[] = [];
  if (expect && answer.status !== expect.status) problems.push(`expected status ${expect.status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  if (expect?.body !== undefined) problems.push(...differences(answer.body, expect.body, 'body'));
  check(problems);
  for (const [name, path] of Object.entries(save ?? {})) {
    const value = pick(answer.body, path);
    if (value === undefined) throw new StepFailure([`nothing at ${path} to save as ${name} in ${JSON.stringify(answer.body)}`]);
    world.vars[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
}

async function mailStep(world: World, { mail, expect, save }: StepOf<'mail'>): Promise<void> {
  const answer = await world.call<{ subject: string; text: string; code?: string; links: string[] }>('GET', `/_mock/mail/latest?to=${encodeURIComponent(mail.to)}`);
  if (answer.status !== 200) throw new StepFailure([`no mail to ${mail.to}: ${whyRefused(answer)}`]);
  const problems: string[] = [];
  if (expect?.subject && answer.body.subject !== expect.subject) problems.push(`expected the subject "${expect.subject}", got "${answer.body.subject}"`);
  if (expect?.contains && !String(answer.body.text).includes(expect.contains)) problems.push(`expected the mail to contain "${expect.contains}"`);
  check(problems);
  for (const [name, source] of Object.entries(save ?? {})) {
    const value = source === 'code' ? answer.body.code : source.startsWith('link:') ? answer.body.links.find((link) => new URL(link).pathname.endsWith(source.slice(5))) : undefined;
    if (!value) throw new StepFailure([`the mail has no ${source} to save as ${name}`]);
    world.vars[name] = value;
  }
}

async function openStep(world: World, { open, expect }: StepOf<'open'>): Promise<void> {
  const state = world.browser(open.browser);
  const page = await state.browser.get(open.url);
  if (!expect) return;
  const problems: string[] = [];
  if (expect.status !== undefined && page.status !== expect.status) problems.push(`expected status ${expect.status}, got ${page.status}`);
  if (expect.contains && !page.html.includes(expect.contains)) problems.push(`expected the page to contain "${expect.contains}"`);
  check(problems);
  if (expect.prompt || expect.claims) checkOutcome(await settle(world, state), { prompt: expect.prompt, claims: expect.claims });
}

async function setPasswordStep(world: World, { setPassword, expect }: StepOf<'setPassword'>): Promise<void> {
  const state = world.browser(setPassword.browser);
  const form = formWith(state.browser.current(), 'ConfirmPassword');
  if (!form) throw new StepFailure(['the browser is not on a set-password page']);
  const page = await state.browser.submit(form, { Password: setPassword.password, ConfirmPassword: setPassword.confirm ?? setPassword.password });
  const changed = elementById(page, 'message-link') !== undefined && validationMessages(page).length === 0;
  const problems: string[] = [];
  if (expect?.changed !== undefined && changed !== expect.changed) problems.push(`expected the password ${expect.changed ? '' : 'not '}to change; the page says: ${validationMessages(page).join(' ') || 'changed'}`);
  if (expect?.messages) problems.push(...differences(validationMessages(page), expect.messages, 'messages'));
  check(problems);
}

async function refreshStep(world: World, { refresh, expect }: StepOf<'refresh'>): Promise<void> {
  const state = world.browser(refresh.browser);
  const tokens = state.tokens;
  if (!tokens?.refreshToken) throw new StepFailure(['this browser has no refresh token (sign in with scope offline_access first)']);
  const client = world.client(refresh.client ?? tokens.clientId);
  let answer: Tokens;
  try {
    answer = await tokenRequest(world.target, { clientId: tokens.clientId, secret: client.secret }, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    if (expect?.error) return check(error.error === expect.error ? [] : [`expected error ${expect.error}, got ${error.error}`]);
    throw new StepFailure([`the refresh failed: ${error.message}`]);
  }
  if (expect?.error) return check([`expected error ${expect.error}, got status 200`]);
  const problems: string[] = [];
  const rotated = answer.refreshToken !== undefined && answer.refreshToken !== tokens.refreshToken;
  if (expect?.rotated !== undefined && rotated !== expect.rotated) problems.push(`expected the refresh token ${expect.rotated ? 'to rotate' : 'to stay'}, it ${rotated ? 'rotated' : 'stayed'}`);
  if (expect?.claims) problems.push(...differences(answer.claims, expect.claims, 'claims'));
  state.tokens = { ...tokens, accessToken: answer.accessToken, refreshToken: answer.refreshToken ?? tokens.refreshToken, idToken: answer.idToken ?? tokens.idToken, claims: answer.claims };
  check(problems);
}

async function logoutStep(world: World, { logout, expect }: StepOf<'logout'>): Promise<void> {
  const state = world.browser(logout.browser);
  const clientId = state.tokens?.clientId;
  const hint = state.tokens?.idToken ? `?id_token_hint=${state.tokens.idToken}` : '';
  const confirm = await state.browser.get(`${world.target.url}/connect/endsession${hint}`);
  const form = formWith(confirm, 'xsrf');
  if (!form) throw new StepFailure(['the end-session page has no sign-out form']);
  await state.browser.submit(form, { logout: 'yes' });
  state.tokens = undefined;
  if (expect?.signedOut) {
    if (!clientId) throw new StepFailure(['sign in before expecting a sign-out']);
    const pending = world.newLogin(clientId);
    const probe = await state.browser.get(authorizeUrl(world.target.url, pending, { scope: 'openid', prompt: 'none', responseMode: 'query' }));
    const error = probe.location ? new URL(probe.location).searchParams.get('error') : undefined;
    check(error === 'login_required' ? [] : [`expected to be signed out, but a silent sign-in answered ${error ?? 'with a code'}`]);
  }
}

async function explainStep(world: World, { explain, expect }: StepOf<'explain'>): Promise<void> {
  const answer = await world.call<{ outcome: string; rule: string }>('POST', '/_mock/explain', {
    email: explain.user,
    clientId: explain.client,
    ...(explain.acrValues && { acrValues: explain.acrValues }),
    ...(explain.trustedNetwork !== undefined && { trustedNetwork: explain.trustedNetwork }),
    ...(explain.rememberedDevice !== undefined && { rememberedDevice: explain.rememberedDevice }),
  });
  if (answer.status !== 200) throw new StepFailure([`POST /_mock/explain answered ${answer.status}: ${whyRefused(answer)}`]);
  check(differences({ outcome: answer.body.outcome, rule: answer.body.rule }, Object.fromEntries(Object.entries(expect).filter(([, v]) => v !== undefined)), ''));
}

async function decisionsStep(world: World, { expect }: StepOf<'decisions'>): Promise<void> {
  const answer = await world.call<{ decisions: Record<string, unknown>[] }>('GET', '/_mock/decisions');
  if (answer.status !== 200) throw new StepFailure([`GET /_mock/decisions answered ${answer.status}: ${whyRefused(answer)}`]);
  const taken = answer.body.decisions.map(({ stage, email, clientId, outcome, rule, reason }) => ({ stage, email, clientId, outcome, rule, reason }));
  check(differences(taken, expect, 'decisions'));
}

/** Carries out one step. The switch covers every kind of step the schema has: the compiler checks it. */
export function perform(world: World, step: Step): Promise<void> {
  switch (step.kind) {
    case 'login':
      return loginStep(world, step);
    case 'twoFactor':
      return twoFactorStep(world, step);
    case 'enroll':
      return enrollStep(world, step);
    case 'password':
      return passwordStep(world, step);
    case 'clock':
      return clockStep(world, step);
    case 'risk':
      return riskStep(world, step);
    case 'fixtures':
      return fixturesStep(world, step);
    case 'fault':
      return faultStep(world, step);
    case 'api':
      return apiStep(world, step);
    case 'mail':
      return mailStep(world, step);
    case 'open':
      return openStep(world, step);
    case 'setPassword':
      return setPasswordStep(world, step);
    case 'refresh':
      return refreshStep(world, step);
    case 'logout':
      return logoutStep(world, step);
    case 'explain':
      return explainStep(world, step);
    case 'passkey':
      return passkeyStep(world, step);
    case 'securityKey':
      return securityKeyStep(world, step);
    case 'decisions':
      return decisionsStep(world, step);
    default:
      return unknownStep(step);
  }
}

function unknownStep(step: never): never {
  throw new Error(`the runner has no action for the step ${JSON.stringify(step)}`);
}
