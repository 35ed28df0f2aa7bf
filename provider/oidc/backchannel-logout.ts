import { createPrivateKey, randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { SignJWT } from 'jose';
import type Provider from 'oidc-provider';
import type { JWK } from 'oidc-provider';

const LOGOUT_TOKEN_SECONDS = 300;
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Visma Connect's logout tokens live 5 minutes (exp = iat + 300); oidc-provider fixes them at 120 s.
 * So the client's back-channel logout is replaced by one that signs with the same key and otherwise
 * sends what oidc-provider sends: iss, aud, iat, exp, sub, sid, jti and the event, as typ logout+jwt.
 */
export function installBackchannelLogout(provider: Provider, signingKey: JWK): void {
  const key = createPrivateKey({ key: signingKey as import('node:crypto').JsonWebKey, format: 'jwk' });
  async function backchannelLogout(this: InstanceType<Provider['Client']>, sub: string, sid: string): Promise<void> {
    const iat = Math.floor(Date.now() / 1000);
    const logoutToken = await new SignJWT({ sid, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
      .setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt', ...(signingKey.kid && { kid: signingKey.kid }) })
      .setIssuer(provider.issuer)
      .setAudience(this.clientId)
      .setSubject(sub)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + LOGOUT_TOKEN_SECONDS)
      .sign(key);
    const response = await fetch(this.backchannelLogoutUri!, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }),
      signal: AbortSignal.timeout(2500),
    });
    if (response.status !== 200 && response.status !== 204) {
      throw new Error(`expected 200 OK from ${this.backchannelLogoutUri}, got: ${response.status} ${STATUS_CODES[response.status]}`);
    }
  }
  Object.defineProperty(provider.Client.prototype, 'backchannelLogout', { value: backchannelLogout });
}
