import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type Provider from 'oidc-provider';
import { VISMA_FACTS } from '../config/index.js';
import { realTime } from '../time/index.js';
import type { IssuerKey } from './issuer-key.js';
import type { EndingSession } from './session-expiry.js';

const LOGOUT_TOKEN_SECONDS = VISMA_FACTS.tokens.logoutTokenSeconds;
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Visma Connect's logout tokens live 5 minutes (exp = iat + 300) and carry `nbf`; oidc-provider fixes
 * them at 120 s without `nbf`. So the client's back-channel logout is replaced by one that signs with
 * the same key and otherwise sends what oidc-provider sends: iss, aud, iat, exp, sub, sid, jti and the
 * event, as typ logout+jwt. The session-expiry sweep calls the same method.
 */
export function installBackchannelLogout(provider: Provider, key: IssuerKey): void {
  async function backchannelLogout(this: InstanceType<Provider['Client']>, sub: string, sid: string): Promise<void> {
    // Real time: the relying party checks the token on its own clock, whatever the emulator clock shows.
    const iat = realTime.nowSeconds();
    const logoutToken = await key.sign({ aud: this.clientId, sub, sid, iat, nbf: iat, exp: iat + LOGOUT_TOKEN_SECONDS, jti: randomUUID(), events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } }, 'logout+jwt');
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

/** The back-channel logout of a session that ended by itself (10 hours after sign-in): every app of it with a URI gets one. */
export async function logoutEndedSession(provider: Provider, { accountId, sids }: EndingSession): Promise<void> {
  await Promise.all(
    Object.entries(sids).map(async ([clientId, sid]) => {
      const client = await provider.Client.find(clientId).catch(() => undefined);
      if (!client?.backchannelLogoutUri) return;
      try {
        await (client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> }).backchannelLogout(accountId, sid);
        provider.emit('backchannel.success', undefined, client, accountId, sid);
      } catch (error) {
        provider.emit('backchannel.error', undefined, error, client, accountId, sid);
      }
    }),
  );
}
