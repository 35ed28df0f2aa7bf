import { createHash, randomBytes } from 'node:crypto';
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from 'jose';
import { currentTotp } from '../accounts/totp.js';
import { clientPackages, clientPackagesUsed } from './web/client-script.js';
import { exchange } from './web/exchange.js';
import { elementById, formWith, readForm, readForms, textOf, validationMessages, type Page, type UserAgent } from './web/index.js';

/**
 * The pieces of a sign-in through the pages that the testing library and the scenario runner share:
 * the authorization request (code + PKCE S256, state, nonce), which login page a browser is on, the
 * app's side of the answer, and the code redeemed for verified tokens.
 */

/** Where the emulator answers (`url`) and who it says it is (`issuer`). */
export interface Endpoint {
  url: string;
  issuer: string;
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  verifier: string;
  challenge: string;
  nonce: string;
  state: string;
}

export interface AuthorizationParameters {
  scope?: string | undefined;
  responseMode?: 'query' | 'form_post' | undefined;
  acrValues?: string | undefined;
  prompt?: string | undefined;
  maxAge?: number | undefined;
  claims?: Record<string, unknown> | undefined;
}

const random = () => randomBytes(16).toString('base64url');

export function authorizationRequest(clientId: string, redirectUri: string): AuthorizationRequest {
  const verifier = randomBytes(32).toString('base64url');
  return { clientId, redirectUri, verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), nonce: random(), state: random() };
}

export function authorizeUrl(url: string, request: AuthorizationRequest, parameters: AuthorizationParameters = {}): string {
  const query = new URLSearchParams({
    client_id: request.clientId,
    response_type: 'code',
    scope: parameters.scope ?? 'openid profile',
    redirect_uri: request.redirectUri,
    code_challenge: request.challenge,
    code_challenge_method: 'S256',
    response_mode: parameters.responseMode ?? 'form_post',
    nonce: request.nonce,
    state: request.state,
    ...(parameters.acrValues && { acr_values: parameters.acrValues }),
    ...(parameters.prompt && { prompt: parameters.prompt }),
    ...(parameters.maxAge !== undefined && { max_age: String(parameters.maxAge) }),
    ...(parameters.claims && { claims: JSON.stringify(parameters.claims) }),
  });
  return `${url}/connect/authorize?${query}`;
}

export type LoginPage = 'identifier' | 'password' | 'challenge' | 'security-key' | 'passkey-offer' | 'enroll' | 'enroll-optional' | 'emergency-code';

/** Which of the login pages this is, if it is one. */
export function loginPageOf(page: Page): LoginPage | undefined {
  if (elementById(page, 'security-key-form')) return 'security-key';
  if (elementById(page, 'passkey-offer-form')) return 'passkey-offer';
  if (formWith(page, 'RememberCode')) return 'challenge';
  if (elementById(page, 'totp-secret')) return readForms(page).some((form) => form.action.endsWith('/enroll/later')) ? 'enroll-optional' : 'enroll';
  if (elementById(page, 'emergency-code')) return 'emergency-code';
  if (formWith(page, 'Password') && elementById(page, 'forgot-link')) return 'password';
  if (formWith(page, 'Username')) return 'identifier';
  return undefined;
}

/** The app's side of the answer: a redirect away to it (query) or the form_post page. */
export function appAnswer(page: Page): { code: string | undefined; error: string | undefined; state: string | undefined } | undefined {
  if (page.location) {
    const params = new URL(page.location).searchParams;
    return { code: params.get('code') ?? undefined, error: params.get('error') ?? undefined, state: params.get('state') ?? undefined };
  }
  const formPost = readForms(page).find((form) => 'code' in form.fields || ('error' in form.fields && 'state' in form.fields));
  return formPost && { code: formPost.fields['code'], error: formPost.fields['error'], state: formPost.fields['state'] };
}

/** What the token endpoint answers, with the ID token's verified claims. */
export interface Tokens {
  accessToken: string;
  idToken: string | undefined;
  refreshToken: string | undefined;
  expiresIn: number;
  scope: string | undefined;
  claims: JWTPayload;
}

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(`the token endpoint answered ${status} ${error}: ${description}`);
  }
}

export interface TokenClient {
  clientId: string;
  /** Sent in the body (client_secret_post); none for a public client. */
  secret: string | undefined;
}

/** A token request; an ID token in the answer is verified (with the nonce when one is given) as a relying party does, on real time. */
export async function tokenRequest(endpoint: Endpoint, client: TokenClient, grant: Record<string, string>, check: { nonce?: string } = {}): Promise<Tokens> {
  const answer = await exchange(`${endpoint.url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...grant, client_id: client.clientId, ...(client.secret !== undefined && { client_secret: client.secret }) }).toString(),
  });
  const body = JSON.parse(answer.text) as Record<string, string | number | undefined>;
  if (answer.status !== 200) throw new TokenError(answer.status, String(body['error']), String(body['error_description'] ?? ''));
  const idToken = body['id_token'] as string | undefined;
  return {
    accessToken: body['access_token'] as string,
    idToken,
    refreshToken: body['refresh_token'] as string | undefined,
    expiresIn: body['expires_in'] as number,
    scope: body['scope'] as string | undefined,
    claims: idToken ? await verifyIdToken(endpoint, idToken, client.clientId, check.nonce) : {},
  };
}

export function redeemCode(endpoint: Endpoint, request: AuthorizationRequest, code: string, secret: string | undefined): Promise<Tokens> {
  const grant = { grant_type: 'authorization_code', code, redirect_uri: request.redirectUri, code_verifier: request.verifier };
  return tokenRequest(endpoint, { clientId: request.clientId, secret }, grant, { nonce: request.nonce });
}

/** Each emulator's signing keys, by its JWKS URL, as last read. */
const keySets = new Map<string, Promise<JWTVerifyGetKey>>();

/**
 * Checks the ID token's signature (the emulator's JWKS), issuer, audience, times and nonce on real time,
 * as a relying party does: the emulator issues tokens on real time however its clock was moved.
 */
async function verifyIdToken(endpoint: Endpoint, idToken: string, clientId: string, nonce: string | undefined): Promise<JWTPayload> {
  const { errors, jwtVerify } = clientPackages();
  const jwksUrl = `${endpoint.url}/.well-known/openid-configuration/jwks`;
  const verify = async (keys: Promise<JWTVerifyGetKey>) => (await jwtVerify(idToken, await keys, { issuer: endpoint.issuer, audience: clientId })).payload;
  let payload: JWTPayload;
  try {
    payload = await verify(keySetAt(jwksUrl));
  } catch (error) {
    // Keys read before the emulator changed them (another emulator on the port, new SIGNING_KEYS): read them again, once.
    if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
    payload = await verify(keySetAt(jwksUrl, { fresh: true }));
  }
  if (nonce !== undefined && payload['nonce'] !== nonce) throw new Error('the ID token carries another nonce');
  clientPackagesUsed();
  return payload;
}

/** The key set at `jwksUrl` as last read (read anew when `fresh`, or when the last read failed). */
function keySetAt(jwksUrl: string, { fresh = false } = {}): Promise<JWTVerifyGetKey> {
  const kept = fresh ? undefined : keySets.get(jwksUrl);
  if (kept) return kept;
  const read = readKeySet(jwksUrl);
  keySets.set(jwksUrl, read);
  read.catch(() => keySets.get(jwksUrl) === read && keySets.delete(jwksUrl));
  return read;
}

/** The emulator's JWKS, read over node:http (jose's remote key set reads it with `fetch`, see ./web/exchange.ts). */
async function readKeySet(jwksUrl: string): Promise<JWTVerifyGetKey> {
  const answer = await exchange(jwksUrl, { headers: { accept: 'application/json' } });
  if (answer.status !== 200) throw new SignInError(`the JWKS at ${jwksUrl} answered ${answer.status}`);
  return clientPackages().createLocalJWKSet(JSON.parse(answer.text) as JSONWebKeySet);
}

export class SignInError extends Error {
  override name = 'SignInError';
}

export interface PageWalk {
  request: AuthorizationRequest;
  agent: UserAgent;
  user: string;
  password: string | undefined;
  /** Tick "Remember this device" at the code. */
  remember: boolean;
  /** Enroll when enrollment is optional (otherwise "Remind me later"); required enrollment is always done. */
  enroll: boolean;
  /** The user's current authenticator code. */
  totp: () => Promise<string>;
  /** The emulator's time, epoch seconds. */
  now: () => Promise<number>;
}

const MAX_PAGES = 8;

/**
 * Answers the login pages as the user would, from the first page to the app: identifier, password,
 * the authenticator code, enrollment (the code from the secret shown), the emergency code shown.
 * A page that answers with a validation message, or a page that is none of these, ends it with an error.
 */
export async function walkLoginPages(first: Page, walk: PageWalk): Promise<{ code: string }> {
  const { agent, request } = walk;
  let page = first;
  for (let seen = 0; seen < MAX_PAGES; seen += 1) {
    page = await agent.follow(page, request.redirectUri);
    const answer = appAnswer(page);
    if (answer) {
      if (answer.error !== undefined) throw new SignInError(`the app got the error ${answer.error}`);
      if (answer.state !== request.state || answer.code === undefined) throw new SignInError(`the app got no code for its state: ${page.location ?? page.url}`);
      return { code: answer.code };
    }
    const kind = loginPageOf(page);
    const messages = validationMessages(page);
    if (kind === undefined || messages.length > 0) {
      throw new SignInError(`the sign-in of ${walk.user} stopped at ${kind ?? `${page.url} (${page.status})`}: ${messages.join(' ') || textOf(page, 'error-code') || page.html.slice(0, 200)}`);
    }
    page = await answerPage(kind, page, walk);
  }
  throw new SignInError(`the sign-in of ${walk.user} did not come back to the app after ${MAX_PAGES} pages`);
}

async function answerPage(kind: LoginPage, page: Page, walk: PageWalk): Promise<Page> {
  const { agent } = walk;
  switch (kind) {
    case 'identifier':
      return agent.submit(formWith(page, 'Username')!, { Username: walk.user });
    case 'password':
      if (walk.password === undefined) throw new SignInError(`no password for ${walk.user}: give one, or give the user one in the fixtures`);
      return agent.submit(formWith(page, 'Password')!, { Password: walk.password });
    case 'challenge':
      return agent.submit(formWith(page, 'AuthCode')!, { AuthCode: await walk.totp(), RememberCode: walk.remember });
    case 'enroll-optional':
    case 'enroll': {
      if (kind === 'enroll-optional' && !walk.enroll) return agent.submit(readForms(page).find((form) => form.action.endsWith('/enroll/later'))!);
      const secret = textOf(page, 'totp-secret')!.replace(/\s/g, '');
      return agent.submit(formWith(page, 'AuthCode')!, { AuthCode: await currentTotp(secret, await walk.now()) });
    }
    case 'emergency-code':
      return agent.submit(readForm(page));
    case 'passkey-offer':
      return agent.submit(readForms(page).find((form) => form.action.endsWith('/passkey-offer/skip'))!);
    case 'security-key':
      throw new SignInError(`${walk.user} is asked for a security key: answer it with POST /_mock/webauthn/assertion (or the scenario step securityKey)`);
  }
}
