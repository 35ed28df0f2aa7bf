import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { VISMA_FACTS } from '../config/index.js';
import type { Clock } from '../time/clock.js';
import { storeKey, type Store } from './store.js';

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

const modelKey = (model: string, id: string): string => storeKey('oidc:', model, ':', id);
const grantKey = (grantId: string): string => storeKey('oidc:grant:', grantId);
const uidKey = (uid: string): string => storeKey('oidc:uid:', uid);
const userCodeKey = (userCode: string): string => storeKey('oidc:userCode:', userCode);
/** A spent refresh token as it was, while its grace period lets it work as it did. */
const spentRefreshTokenKey = (id: string): string => storeKey('oidc:spentRefreshToken:', id);
/**
 * A spent token's copy is kept for the longest grace period a client can have, whatever the client's
 * setting is by then, and 2 s more: `consumed` is a whole second, so a token spent at S is within a
 * grace of G until S + G + 1, and the copy is written a moment before S.
 */
const SPENT_COPY_SECONDS = VISMA_FACTS.refreshTokens.graceSeconds.max + 2;

/**
 * The epoch-second fields of oidc-provider's models (Session, Interaction, AuthorizationCode,
 * AccessToken, RefreshToken, ClientCredentials, Grant, ReplayDetection, PushedAuthorizationRequest,
 * DeviceCode, BackchannelAuthenticationRequest): `iat`, `exp` and `consumed` of every model,
 * `loginTs` of a Session, `authTime` of codes and refresh tokens, `iiat` (first issue of a refresh
 * token chain). Nested times (an interaction result's `login.ts`) are not set by us and not moved.
 */
const TIME_FIELDS = ['iat', 'exp', 'nbf', 'consumed', 'loginTs', 'authTime', 'iiat'] as const;
/**
 * Of them, the sign-in moment codes and refresh tokens carry for the `auth_time` of what they issue. A
 * Session's own `loginTs` is left as it is: oidc-provider saves the session back on every authorization
 * request, so a moment moved there would stay moved (and end the session early).
 */
const SIGN_IN_MOMENTS = ['authTime'] as const;

/** What of a consumed model is kept: the fields its replay detection reads, and its session binding only when it has one. */
interface ConsumedFields {
  fields: readonly string[];
  binding: readonly string[];
}

/**
 * What oidc-provider reads of an authorization code that comes back after it was consumed, up to the
 * point where it sees `consumed` and revokes the grant (lib/actions/grants/authorization_code.js):
 * the token's own fields, the client, expiry, grant, PKCE and redirect URI; with `expiresWithSession`,
 * the session binding (session, account) it checks on every find. The rest of a consumed code (its
 * account, scope, nonce, claims, amr...) is never read again, so it is not kept for the code's 5 minutes.
 */
const CONSUMED_CODE: ConsumedFields = {
  fields: ['iat', 'exp', 'jti', 'kind', 'clientId', 'grantId', 'codeChallenge', 'codeChallengeMethod', 'redirectUri', 'dpopJkt', 'attestationJkt', 'expiresWithSession'],
  binding: ['sessionUid', 'accountId'],
};

/**
 * What oidc-provider reads of a spent refresh token used again after its grace period, up to the point
 * where it sees `consumed` and revokes the grant (lib/actions/grants/refresh_token.js): the token's own
 * fields, the client, expiry, certificate, DPoP and attestation bindings, the grant, the scope (a
 * narrower `scope` asked for is checked first) and the account; with `expiresWithSession`, the session.
 * Its acr, amr, auth time, claims, nonce and sid only go into a successor, which it no longer gets, so
 * they are not kept for the rest of its lifetime (14 days by default).
 */
const CONSUMED_REFRESH_TOKEN: ConsumedFields = {
  fields: ['iat', 'exp', 'jti', 'kind', 'clientId', 'grantId', 'iiat', 'scope', 'accountId', 'x5t#S256', 'jkt', 'attestationJkt', 'expiresWithSession'],
  binding: ['sessionUid'],
};

/** A consumed model reduced to what its replay detection reads (see CONSUMED_CODE, CONSUMED_REFRESH_TOKEN). */
function consumedPayload(payload: AdapterPayload, { fields, binding }: ConsumedFields, consumed: number): AdapterPayload {
  const kept: Record<string, unknown> = {};
  for (const field of payload.expiresWithSession === true ? [...fields, ...binding] : fields) {
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
 * oidc-provider gives every model its id as `jti` and its model's name as `kind`, which its key says
 * already: the stored text leaves them out when they are those (~350 B of a sign-in's 4 KB), and the
 * model read back has them again.
 */
function withoutKeyFields(payload: AdapterPayload, model: string, id: string): AdapterPayload {
  const { jti, kind, ...rest } = payload;
  return { ...rest, ...(jti !== undefined && jti !== id && { jti }), ...(kind !== undefined && kind !== model && { kind }) };
}

function withKeyFields(payload: AdapterPayload, model: string, id: string): AdapterPayload {
  payload.jti ??= id;
  payload.kind ??= model;
  return payload;
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
  /**
   * A stored model as oidc-provider reads it now. A sign-in the clock was moved back past happened, as
   * far as a code or refresh token tells, now: the ID or access token it issues has no `auth_time` after
   * its `iat`, which relying parties refuse.
   */
  const onRealTime = (payload: AdapterPayload): AdapterPayload => {
    const moved = inFrame(payload, toReal);
    const now = toReal(clock.nowSeconds());
    for (const field of SIGN_IN_MOMENTS) if (typeof moved[field] === 'number' && moved[field] > now) moved[field] = now;
    return moved;
  };
  return class StoreAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = modelKey(this.#model, id);
      // Sent together: on Redis, one round trip instead of one for each.
      await Promise.all([
        store.set(key, inFrame(withoutKeyFields(payload, this.#model, id), toEmulator), expiresIn),
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
        // Within its grace period a spent token works as it did: from its copy as it was before it was spent.
        const unspent = await store.get<AdapterPayload>(spentRefreshTokenKey(id));
        if (unspent) return withKeyFields(onRealTime(unspent), this.#model, id);
      }
      return withKeyFields(onRealTime(payload), this.#model, id);
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
      const key = modelKey(this.#model, id);
      const reduced = this.#model === 'AuthorizationCode' ? CONSUMED_CODE : this.#model === 'RefreshToken' ? CONSUMED_REFRESH_TOKEN : undefined;
      if (this.#model === 'RefreshToken') await this.#keepSpentCopy(id, key);
      let found = false;
      let consumedBefore: unknown;
      let clientId: unknown;
      let grantId: unknown;
      await store.update<AdapterPayload>(key, (payload) => {
        found = payload !== undefined;
        consumedBefore = payload?.consumed;
        clientId = payload?.clientId;
        grantId = payload?.grantId;
        if (payload === undefined || payload.consumed !== undefined) return undefined;
        return reduced ? consumedPayload(payload, reduced, now) : { ...payload, consumed: now };
      });
      if (!found) throw new errors.InvalidGrant(`${this.#model} was revoked`);
      if (typeof consumedBefore !== 'number') return;
      if (this.#model === 'RefreshToken' && (await this.#withinGrace(consumedBefore, clientId))) return;
      // A code used twice: as oidc-provider does with one it finds consumed, the grant goes, and with it what
      // the winner of the race was issued, whenever it is saved (RFC 6749 4.1.2 and 10.5). Tokens saved under
      // it later stay stored but do not work: oidc-provider looks the grant up at userinfo, introspection and
      // refresh. A refresh token is left to oidc-provider: one found within its grace period and consumed
      // just after it is a retry that lost, not a replay.
      if (this.#model === 'AuthorizationCode' && typeof grantId === 'string') await deleteIssued(grantId, modelKey('Grant', grantId));
      throw new errors.InvalidGrant(`${this.#model} already consumed`);
    }

    /**
     * Before a refresh token is spent (and reduced to what replay detection reads), a copy of it as it is,
     * for requests racing with it during its grace period; written first, so that every request that sees
     * the token spent finds the copy. A token already spent keeps the copy it has.
     */
    async #keepSpentCopy(id: string, key: string): Promise<void> {
      const payload = await store.get<AdapterPayload>(key);
      if (payload !== undefined && payload.consumed === undefined) await store.set(spentRefreshTokenKey(id), payload, SPENT_COPY_SECONDS);
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
      await Promise.all([
        payload?.grantId && store.removeFromSet(grantKey(payload.grantId), key),
        payload?.uid && store.delete(uidKey(payload.uid)),
        payload?.userCode && store.delete(userCodeKey(payload.userCode)),
        payload?.consumed !== undefined && this.#model === 'RefreshToken' && store.delete(spentRefreshTokenKey(id)),
      ]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await deleteIssued(grantId);
    }
  };

  /** Everything issued under a grant so far, and the other `keys`. */
  async function deleteIssued(grantId: string, ...keys: string[]): Promise<void> {
    const issued = await store.setMembers(grantKey(grantId));
    await store.delete(...issued, grantKey(grantId), ...keys);
  }
}
