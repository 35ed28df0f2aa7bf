import type { Client } from 'oidc-provider';
import type { AcrSettings } from '../fixtures/index.js';
import type { DecisionLog, LoggedDecision } from '../twofactor/index.js';
import { explainClaims, type DecodedToken, type ExplainedClaim, type OpaqueToken, type TokenDecoder } from './decoded-tokens.js';
import { outcomeMeaning } from './outcomes.js';
import type { DebuggerRun } from './runs.js';
import { textOr } from './text-or.js';

/** A 2FA decision of this sign-in, with its outcome in words. */
export interface ShownDecision extends LoggedDecision {
  outcomeText: string;
}

export interface ResultView {
  run: DebuggerRun;
  client: { id: string; name: string; twoFactor: string; includeCoreIdentityClaims: boolean; refreshTokens: string };
  idToken: DecodedToken | OpaqueToken | undefined;
  accessToken: DecodedToken | OpaqueToken | undefined;
  refreshToken: string | undefined;
  /** The token response's other fields (token_type, expires_in, scope, …). */
  response: ExplainedClaim[];
  userinfo: { status: number; claims: ExplainedClaim[] | undefined; text: string } | undefined;
  decisions: ShownDecision[];
  stepUpAcr: string;
  /** Who signed in, and how, in one line. */
  summary: string;
}

const TOKEN_FIELDS = new Set(['id_token', 'access_token', 'refresh_token']);

const RESPONSE_FIELDS: Record<string, string> = {
  token_type: 'How to send the access token: Bearer (or DPoP when bound to a key).',
  expires_in: 'Seconds the access token is valid.',
  scope: 'The scopes granted, space-separated.',
  session_state: 'OIDC Session Management: the client compares it through the check_session iframe.',
};

/** Everything the result page shows about one sign-in: the tokens decoded and explained, userinfo, and its 2FA decisions. */
export async function resultView(run: DebuggerRun, client: Client, acr: AcrSettings, decoder: TokenDecoder, decisions: DecisionLog): Promise<ResultView> {
  const tokens = run.tokens ?? {};
  const context = { acr, nonce: run.nonce, clientId: client.clientId };
  const [idToken, accessToken, logged] = await Promise.all([decoder.decode(tokens['id_token'], 'id_token', context), decoder.decode(tokens['access_token'], 'access_token', context), decisions.list()]);
  const userinfo = run.userinfo && {
    status: run.userinfo.status,
    claims: run.userinfo.status === 200 && run.userinfo.body ? explainClaims(run.userinfo.body, { ...context, source: 'userinfo' }) : undefined,
    text: run.userinfo.text,
  };
  return {
    run,
    client: {
      id: client.clientId,
      name: client.clientName ?? client.clientId,
      twoFactor: textOr(client['twoFactor'], 'default'),
      includeCoreIdentityClaims: client['includeCoreIdentityClaims'] === true,
      refreshTokens: textOr(client['refreshTokens'], 'one-time'),
    },
    idToken,
    accessToken,
    refreshToken: typeof tokens['refresh_token'] === 'string' ? tokens['refresh_token'] : undefined,
    response: Object.entries(tokens)
      .filter(([name]) => !TOKEN_FIELDS.has(name))
      .map(([name, value]) => ({ name, value: JSON.stringify(value), meaning: RESPONSE_FIELDS[name] ?? '' })),
    userinfo,
    decisions: logged
      .filter((decision) => decision.signIn?.nonce === run.nonce)
      .reverse()
      .map((decision) => ({ ...decision, outcomeText: outcomeMeaning(decision.outcome) })),
    stepUpAcr: acr.stepUp[0] ?? acr.twoFactor,
    summary: summaryOf(idToken, run.userinfo?.body, acr),
  };
}

function summaryOf(idToken: DecodedToken | OpaqueToken | undefined, userinfo: Record<string, unknown> | undefined, acr: AcrSettings): string {
  const claims = idToken && 'claims' in idToken ? Object.fromEntries(idToken.claims.map((claim) => [claim.name, JSON.parse(claim.value) as unknown])) : {};
  const who = textOr(userinfo?.['email'] ?? claims['email'] ?? claims['sub'], 'someone');
  const level = claims['acr'] === acr.twoFactor ? 'with two factors' : claims['acr'] === acr.password ? 'with one factor' : 'at an unknown level';
  return `${who} signed in ${level}: acr ${JSON.stringify(claims['acr'] ?? null)}, amr ${JSON.stringify(claims['amr'] ?? null)}.`;
}
