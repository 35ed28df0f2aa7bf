import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { elementById, formWith, readForms, textOf, validationMessages, type Page } from '../../provider/testing/web/index.js';
import type { Prompt } from './schema.js';
import type { BrowserState, World } from './world.js';

/** Where a sign-in stands after a browser's last page. */
export interface Outcome {
  prompt: Prompt;
  error?: string;
  message?: string;
  claims?: Record<string, unknown>;
}

const keySets = new Map<string, JWTVerifyGetKey>();

/** Reads the browser's page; back at the app with a code, redeems it (PKCE) and checks the ID token's signature. */
export async function outcomeOf(world: World, state: BrowserState): Promise<Outcome> {
  const page = state.browser.page!;
  const answer = appAnswer(page);
  if (answer) {
    if (answer.error) return { prompt: 'error', error: answer.error };
    if (!answer.code || !state.login) return { prompt: 'error', error: 'no code in the answer' };
    const claims = await redeem(world, state, answer.code);
    return { prompt: 'none', claims };
  }
  const message = validationMessages(page).join(' ');
  if (formWith(page, 'RememberCode')) return { prompt: 'challenge', message };
  if (elementById(page, 'totp-secret')) return { prompt: readForms(page).some((form) => form.action.endsWith('/enroll/later')) ? 'enroll-optional' : 'enroll', message };
  if (elementById(page, 'emergency-code')) return { prompt: 'emergency-code' };
  if (formWith(page, 'Password') && elementById(page, 'forgot-link')) return { prompt: 'password', message };
  if (formWith(page, 'Username')) return { prompt: 'identifier', message };
  return { prompt: 'error', error: textOf(page, 'error-code') ?? `page ${page.status} at ${page.url}` };
}

/** The app's side of the answer: a redirect away with the code (query) or the form_post page. */
function appAnswer(page: Page): { code?: string; error?: string } | undefined {
  if (page.location) {
    const params = new URL(page.location).searchParams;
    return { code: params.get('code') ?? undefined, error: params.get('error') ?? undefined };
  }
  const formPost = readForms(page).find((form) => 'code' in form.fields || ('error' in form.fields && 'state' in form.fields));
  return formPost ? { code: formPost.fields['code'], error: formPost.fields['error'] } : undefined;
}

async function redeem(world: World, state: BrowserState, code: string): Promise<Record<string, unknown>> {
  const login = state.login!;
  const client = world.client(login.clientId);
  const response = await fetch(`${world.target.url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: login.redirectUri,
      code_verifier: login.verifier,
      client_id: login.clientId,
      ...(client.secret && { client_secret: client.secret }),
    }),
  });
  const body = (await response.json()) as Record<string, string>;
  if (response.status !== 200) throw new Error(`the token endpoint refused the code: ${body['error']} ${body['error_description'] ?? ''}`);
  const claims = await verifyIdToken(world, body['id_token']!, login.clientId, login.nonce);
  state.tokens = { clientId: login.clientId, idToken: body['id_token'], accessToken: body['access_token']!, refreshToken: body['refresh_token'], claims };
  state.login = undefined;
  return claims;
}

export async function verifyIdToken(world: World, idToken: string, clientId: string, nonce?: string): Promise<Record<string, unknown>> {
  const jwksUrl = `${world.target.url}/.well-known/openid-configuration/jwks`;
  let keys = keySets.get(jwksUrl);
  if (!keys) keySets.set(jwksUrl, (keys = createRemoteJWKSet(new URL(jwksUrl))));
  const { payload } = await jwtVerify(idToken, keys, { issuer: world.target.issuer, audience: clientId, currentDate: new Date((await world.now()) * 1000) });
  if (nonce !== undefined && payload['nonce'] !== nonce) throw new Error('the ID token carries another nonce');
  return payload as Record<string, unknown>;
}
