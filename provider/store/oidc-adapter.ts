import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Clock } from '../time/clock.js';
import type { Store } from './store.js';

export interface OidcAdapterOptions {
  /**
   * Seconds during which a rotated (consumed) refresh token of this client still works, so that two
   * requests racing with the same token both succeed, as Visma Connect's one-time refresh tokens allow.
   */
  refreshTokenGraceSeconds(clientId: string): Promise<number>;
  /** A client's metadata as the fixtures gave it (every request of a sign-in asks for it: a cached read). */
  client(clientId: string): Promise<AdapterPayload | undefined>;
}

/** Where the fixture loader keeps each client's oidc-provider metadata. */
export const clientKey = (clientId: string): string => `client:${clientId}`;

const modelKey = (model: string, id: string): string => `oidc:${model}:${id}`;
const grantKey = (grantId: string): string => `oidc:grant:${grantId}`;
const uidKey = (uid: string): string => `oidc:uid:${uid}`;
const userCodeKey = (userCode: string): string => `oidc:userCode:${userCode}`;

/**
 * The epoch-second fields of oidc-provider's models (Session, Interaction, AuthorizationCode,
 * AccessToken, RefreshToken, ClientCredentials, Grant, ReplayDetection, PushedAuthorizationRequest,
 * DeviceCode, BackchannelAuthenticationRequest): `iat`, `exp` and `consumed` of every model,
 * `loginTs` of a Session, `authTime` of codes and refresh tokens, `iiat` (first issue of a refresh
 * token chain). Nested times (an interaction result's `login.ts`) are not set by us and not moved.
 */
const TIME_FIELDS = ['iat', 'exp', 'nbf', 'consumed', 'loginTs', 'authTime', 'iiat'] as const;

/**
 * What oidc-provider reads of an authorization code that comes back after it was consumed, up to the
 * point where it sees `consumed` and revokes the grant (lib/actions/grants/authorization_code.js):
 * the token's own fields, the client, expiry, grant, PKCE and redirect URI; with `expiresWithSession`,
 * the session binding (session, account) it checks on every find. The rest of a consumed code (its
 * account, scope, nonce, claims, amr...) is never read again, so it is not kept for the code's 5 minutes.
 */
const CONSUMED_CODE_FIELDS = ['iat', 'exp', 'jti', 'kind', 'clientId', 'grantId', 'codeChallenge', 'codeChallengeMethod', 'redirectUri', 'dpopJkt', 'attestationJkt', 'expiresWithSession', 'sessionUid', 'accountId'] as const;

/** A consumed authorization code reduced to what replay detection reads (see CONSUMED_CODE_FIELDS). */
function consumedCode(payload: AdapterPayload, consumed: number): AdapterPayload {
  const kept: Record<string, unknown> = {};
  const bound = payload.expiresWithSession === true;
  for (const field of CONSUMED_CODE_FIELDS) {
    if ((field === 'sessionUid' || field === 'accountId') && !bound) continue;
    if (payload[field] !== undefined) kept[field] = payload[field];
  }
  return { ...kept, consumed };
}

/** The payload with its time fields moved to another frame (a copy; the caller's payload is left as it was). */
function inFrame(payload: AdapterPayload, move: (epochSeconds: number) => number): AdapterPayload {
  const moved: Record<string, unknown> = { ...payload };
  for (const field of TIME_FIELDS) {
    if (typeof moved[field] === 'number') moved[field] = move(moved[field]);
  }
  return moved;
}

/**
 * Builds the Adapter class oidc-provider instantiates once per model name. Clients are read from the
 * fixtures through `options.client` (so `/_mock/fixtures` and reset change them at run time).
 *
 * oidc-provider runs on real time; the store on the emulator clock. So every model is stored with its
 * times on the emulator clock (real time plus the offset when written) and handed back on real time as
 * the clock shows it now (stored time minus the offset now): after a move of the clock a code, token,
 * interaction or session is that much older at oidc-provider's own checks, and expires there, while
 * what oidc-provider issues (ID tokens, JWTs, expires_in, cookies) stays on real time for the relying
 * party and the browser.
 */
export function createOidcAdapter(store: Store, clock: Clock, options: OidcAdapterOptions): new (model: string) => Adapter {
  const toEmulator = (seconds: number): number => clock.toEmulatorSeconds(seconds);
  const toReal = (seconds: number): number => clock.toRealSeconds(seconds);
  return class StoreAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = modelKey(this.#model, id);
      // Sent together: on Redis, one round trip instead of one for each.
      await Promise.all([
        store.set(key, inFrame(payload, toEmulator), expiresIn),
        payload.grantId && store.addToSet(grantKey(payload.grantId), key, expiresIn),
        payload.uid && store.set(uidKey(payload.uid), id, expiresIn),
        payload.userCode && store.set(userCodeKey(payload.userCode), id, expiresIn),
      ]);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.#model === 'Client') return options.client(id);
      const payload = await store.get<AdapterPayload>(modelKey(this.#model, id));
      if (!payload) return undefined;
      if (this.#model === 'RefreshToken' && (await this.#withinGrace(payload.consumed, payload.clientId))) {
        delete payload.consumed;
      }
      return inFrame(payload, toReal);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await store.get<string>(uidKey(uid));
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await store.get<string>(userCodeKey(userCode));
      return id === undefined ? undefined : this.find(id);
    }

    /**
     * Marks the model consumed, once: oidc-provider checks `consumed` before it calls this, so two requests
     * racing with one code both pass that check, and here exactly one of them wins. A model gone by now
     * was revoked meanwhile (a third request saw the code consumed and revoked its grant): that loses
     * too. A refresh token consumed again within its grace period is the documented exception.
     */
    async consume(id: string): Promise<void> {
      const now = clock.nowSeconds();
      let found = false;
      let consumedBefore: unknown;
      let clientId: unknown;
      await store.update<AdapterPayload>(modelKey(this.#model, id), (payload) => {
        found = payload !== undefined;
        consumedBefore = payload?.consumed;
        clientId = payload?.clientId;
        if (payload === undefined || payload.consumed !== undefined) return undefined;
        return this.#model === 'AuthorizationCode' ? consumedCode(payload, now) : { ...payload, consumed: now };
      });
      if (!found) throw new errors.InvalidGrant(`${this.#model} was revoked`);
      if (typeof consumedBefore !== 'number') return;
      if (this.#model === 'RefreshToken' && (await this.#withinGrace(consumedBefore, clientId))) return;
      throw new errors.InvalidGrant(`${this.#model} already consumed`);
    }

    async #withinGrace(consumed: unknown, clientId: unknown): Promise<boolean> {
      if (typeof consumed !== 'number' || typeof clientId !== 'string') return false;
      return clock.nowSeconds() - consumed <= (await options.refreshTokenGraceSeconds(clientId));
    }

    /**
     * Ends a model (a finished interaction, a session signed out or renewed, a revoked token) and takes
     * it out of the indexes that name it, which would otherwise keep its key for as long as they live
     * (a grant's index for the 14 days of its refresh token). A session renewed at sign-in keeps its
     * uid: oidc-provider destroys the old id before it saves the new one, which writes the uid again.
     */
    async destroy(id: string): Promise<void> {
      const key = modelKey(this.#model, id);
      const payload = await store.take<AdapterPayload>(key);
      await Promise.all([payload?.grantId && store.removeFromSet(grantKey(payload.grantId), key), payload?.uid && store.delete(uidKey(payload.uid)), payload?.userCode && store.delete(userCodeKey(payload.userCode))]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const keys = await store.setMembers(grantKey(grantId));
      await store.delete(...keys, grantKey(grantId));
    }
  };
}
