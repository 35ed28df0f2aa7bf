import * as oidc from 'openid-client';
import { readForm, type UserAgent, type Page } from './user-agent.js';

/** An openid-client v6 relying party (the real library an HRM-like app would use). */
export async function discover(issuer: string, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, clientSecret, clientSecret === undefined ? oidc.None() : undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface LoginRequest {
  redirectUri: string;
  scope?: string;
  responseMode?: 'form_post' | 'query';
  extra?: Record<string, string>;
}

export interface StartedLogin {
  url: URL;
  verifier: string;
  nonce: string;
  state: string;
}

export async function buildLogin(config: oidc.Configuration, request: LoginRequest): Promise<StartedLogin> {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: request.redirectUri,
    scope: request.scope ?? 'openid profile offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    response_mode: request.responseMode ?? 'form_post',
    nonce,
    state,
    ...request.extra,
  });
  return { url, verifier, nonce, state };
}

/** Walks identifier → password and returns the page the provider answers with at the end. */
export async function signInThroughPages(agent: UserAgent, authorizeUrl: URL, email: string, password: string, redirectUri?: string): Promise<Page> {
  const identifier = await agent.follow(await agent.get(authorizeUrl.href), redirectUri);
  const passwordPage = await agent.follow(await agent.submit(readForm(identifier), { Username: email }));
  return agent.follow(await agent.submit(readForm(passwordPage), { Password: password }), redirectUri);
}

/** Turns the provider's answer (form_post page or query redirect) into the request the RP receives. */
export function callbackRequest(answer: Page, redirectUri: string): Request | URL {
  if (answer.status === 200 && answer.html.includes('<form')) {
    const { action, fields } = readForm(answer);
    if (action !== redirectUri) throw new Error(`form_post goes to ${action}, expected ${redirectUri}`);
    return new Request(action, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  if (answer.location?.startsWith(redirectUri)) return new URL(answer.location);
  throw new Error(`expected a form_post page or a redirect to ${redirectUri}, got ${answer.status} ${answer.url}:\n${answer.html.slice(0, 400)}`);
}

export async function completeLogin(config: oidc.Configuration, login: StartedLogin, callback: Request | URL): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: login.verifier,
    expectedNonce: login.nonce,
    expectedState: login.state,
    idTokenExpected: true,
  });
}
