import { randomFillSync } from 'node:crypto';
import { parse as parseQueryString } from 'node:querystring';
import type { Context, Middleware } from 'koa';
import type { JWK } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { VISMA_FACTS } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import { replayRequest } from '../http/index.js';
import { presentedSecret } from './client-secret-credentials.js';
import { KNOWN_SCOPES } from './configuration.js';
import { API_SCOPES, apiResource, asksForPublicApi, atRoute, OIDC_ROUTES, PUBLIC_API_AUDIENCE, PUBLIC_API_SCOPES } from './routes.js';
import type { ServiceTokenTimes } from './service-token-times.js';
import { ServiceTokenSigner } from './service-token-signer.js';

export interface ClientCredentialsGrantOptions {
  provider: Provider;
  issuer: string;
  keys: readonly JWK[];
  directory: Pick<Directory, 'serviceTenantAccess'>;
  serviceTokens: ServiceTokenTimes;
}

/** The parameters this path understands; a request with any other goes to oidc-provider. */
const PARAMETERS = new Set(['grant_type', 'scope', 'client_id', 'client_secret', 'tenant_id']);
/** oidc-provider's limit on token request bodies (lib/shared/selective_body.js). */
const BODY_LIMIT = 56 * 1024;
/** oidc-provider's scope syntax (lib/helpers/is_valid_scope.js). */
const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;
const FORM = 'application/x-www-form-urlencoded';
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post']);
const LIFETIME = VISMA_FACTS.tokens.accessTokenSeconds;

type Form = Record<string, string>;

/**
 * client_credentials at the token endpoint without oidc-provider's stack, for the requests whose answer
 * is known to be oidc-provider's success: a form of only the parameters above, once each and none
 * empty, no query, no DPoP proof, a client registered for client_secret_basic or client_secret_post
 * (without an expiring secret) that may use the grant and presents its secret either way, known scopes
 * the client may ask for, and a `tenant_id` the client may act for. The answer is what oidc-provider
 * answers such a request with (configuration.ts: the resource chosen by the scopes, its JWT format, the
 * customizer that drops `sub` and records the service token's frame; access-token-claims.ts: `tenant_id`):
 * the same body, headers, JWT header and claims. Every other request, error or not, goes on unchanged to
 * oidc-provider, which answers it as before (its errors, IdentityServer's shape). oidc-provider would
 * also emit `grant.success` and `client_credentials.issued`, which nothing here listens to.
 */
export function clientCredentialsGrant(options: ClientCredentialsGrantOptions): Middleware {
  const { provider, issuer, directory, serviceTokens } = options;
  const signer = new ServiceTokenSigner(options.keys);
  const resources = {
    api: { audience: apiResource(issuer), scopes: new Set<string>(API_SCOPES) },
    publicApi: { audience: PUBLIC_API_AUDIENCE, scopes: new Set<string>(PUBLIC_API_SCOPES) },
  };

  /** The token response's claims, or undefined when oidc-provider must answer. */
  async function grant(ctx: Context, form: Form): Promise<Record<string, unknown> | undefined> {
    if (form['grant_type'] !== 'client_credentials') return undefined;
    const presented = presentedSecret(ctx.req.headers, form);
    if (!presented) return undefined;
    const client = await provider.Client.find(presented.clientId);
    if (!client || !SECRET_METHODS.has(client.clientAuthMethod ?? '') || client.clientSecretExpiresAt || !client.grantTypeAllowed('client_credentials')) return undefined;
    if (!(await client.compareClientSecret(presented.secret))) return undefined;

    const requested = form['scope'];
    if (requested !== undefined && !SCOPE_SYNTAX.test(requested)) return undefined;
    const scopes = [...new Set(requested?.split(' '))];
    const allowed = client.scope ? new Set(client.scope.split(' ')) : undefined;
    if (!scopes.every((scope) => KNOWN_SCOPES.has(scope) && (!allowed || allowed.has(scope)))) return undefined;

    const tenantId = form['tenant_id'];
    if (tenantId !== undefined && (await directory.serviceTenantAccess(client.clientId, tenantId)) !== 'granted') return undefined;

    const resource = asksForPublicApi(scopes) ? resources.publicApi : resources.api;
    const scope = scopes.filter((scope) => resource.scopes.has(scope)).join(' ') || undefined;
    const now = Math.floor(Date.now() / 1000);
    const jti = tokenId();
    // oidc-provider's member order: extra claims, jti, iat, exp, scope, client_id, iss, aud.
    const claims = { ...(tenantId !== undefined && { tenant_id: tenantId }), jti, iat: now, exp: now + LIFETIME, scope, client_id: client.clientId, iss: issuer, aud: resource.audience };
    const accessToken = await signer.sign(claims);
    await serviceTokens.issued(jti, LIFETIME);
    return { access_token: accessToken, expires_in: LIFETIME, scope, token_type: 'Bearer' };
  }

  return async function clientCredentialsFastPath(ctx, next) {
    if (ctx.method !== 'POST' || !atRoute(ctx.path, OIDC_ROUTES.token) || ctx.querystring !== '' || ctx.req.headers.dpop !== undefined || !isForm(ctx)) {
      await next();
      return;
    }
    const length = ctx.request.length;
    if (length === undefined || length > BODY_LIMIT) {
      await next();
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(ctx);
    } catch (error) {
      replayRequest(ctx, { failure: error as Error });
      await next();
      return;
    }
    const form = formOf(body, ctx.req.headers['content-type'] === FORM ? '' : ctx.request.charset);
    // A failure on the way (the store away, a client oidc-provider cannot load) is oidc-provider's to answer: it meets it again.
    const answer = form && (await grant(ctx, form).catch(() => undefined));
    if (!answer) {
      replayRequest(ctx, { body });
      await next();
      return;
    }
    // oidc-provider's token route: CORS for any origin (clientBasedCORS allows every client), then no-store.
    if (ctx.response.get('Vary')) ctx.vary('Origin');
    else ctx.set('Vary', 'Origin');
    ctx.set('Access-Control-Allow-Origin', ctx.get('Origin') || '*');
    ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    ctx.set('cache-control', 'no-store');
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.body = JSON.stringify(answer);
  };
}

function readBody(ctx: Context): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    ctx.req.on('data', (chunk: Buffer) => chunks.push(chunk));
    ctx.req.once('end', () => resolve(Buffer.concat(chunks)));
    ctx.req.once('error', reject);
    // 'close' follows 'end' on every request: only one that closed before its end was aborted (and an Error is not made for nothing).
    ctx.req.once('close', () => {
      if (!ctx.req.complete) reject(new Error('the request was aborted'));
    });
  });
}

/** Random bits for token ids, drawn in blocks (as oidc-provider's nanoid does): one draw serves 128 ids. */
const randomPool = Buffer.allocUnsafe(4096);
let randomOffset = randomPool.length;

/** 256 random bits, base64url: 43 characters, as oidc-provider's token ids. */
function tokenId(): string {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += 32;
  return randomPool.toString('base64url', randomOffset - 32, randomOffset);
}

/** Whether oidc-provider reads the body as a form (`ctx.is`), the usual content type checked first. */
const isForm = (ctx: Context): boolean => ctx.req.headers['content-type'] === FORM || Boolean(ctx.is(FORM));

/** The form as oidc-provider parses it, when every parameter is one this path knows, sent once and not empty. */
function formOf(body: Buffer, charset: string): Form | undefined {
  let text: string;
  try {
    text = charset ? new TextDecoder(charset).decode(body) : body.toString();
  } catch {
    return undefined;
  }
  const parsed = parseQueryString(text);
  for (const [name, value] of Object.entries(parsed)) {
    if (!PARAMETERS.has(name) || typeof value !== 'string' || value === '') return undefined;
  }
  return parsed as Form;
}
