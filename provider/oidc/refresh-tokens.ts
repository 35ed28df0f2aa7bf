import type { Client, KoaContextWithOIDC, RefreshToken } from 'oidc-provider';
import { VISMA_FACTS } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import { realTime } from '../time/index.js';

const DAY = 24 * 60 * 60;
const DEFAULT_LIFETIME_DAYS = VISMA_FACTS.refreshTokens.lifetimeDays.default;

/** The refresh-token settings of a client (fixture fields, see fixtures/schema.ts). */
interface RefreshTokenSettings {
  refreshTokens?: 'one-time' | 'reuse';
  refreshTokenGraceSeconds?: number;
  refreshTokenLifetimeDays?: number;
  refreshTokenSlidingDays?: number;
}

/** oidc-provider keeps the first issue time of a rotated chain (`iiat`); its types leave it out. */
type ChainedRefreshToken = RefreshToken & { iiat?: number };

const settingsOf = (client: Client | undefined): RefreshTokenSettings => (client ?? {}) as RefreshTokenSettings;
/** oidc-provider's frame: real time, the token's times as the oidc adapter hands them back. */
const nowSeconds = realTime.nowSeconds;

/**
 * Seconds a refresh token has left, as Visma Connect's app settings say: at most the lifetime in days
 * counted from the first refresh token of the sign-in; with sliding expiry, a token unused for the
 * sliding days lapses, and each use gives it (or its successor) that long again, never past the lifetime.
 */
export function refreshTokenTtl(_ctx: KoaContextWithOIDC, token: ChainedRefreshToken, client: Client): number {
  const { refreshTokenLifetimeDays = DEFAULT_LIFETIME_DAYS, refreshTokenSlidingDays } = settingsOf(client);
  const now = nowSeconds();
  const end = (token.iiat ?? token.iat ?? now) + refreshTokenLifetimeDays * DAY;
  const slidingEnd = refreshTokenSlidingDays === undefined ? end : Math.min(end, now + refreshTokenSlidingDays * DAY);
  return Math.max(1, slidingEnd - now);
}

/** The grant outlives every refresh token of the client (oidc-provider refuses tokens of an expired grant). */
export function grantTtl(ctx: KoaContextWithOIDC): number {
  return (settingsOf(ctx.oidc?.client).refreshTokenLifetimeDays ?? DEFAULT_LIFETIME_DAYS) * DAY;
}

/**
 * oidc-provider asks on every refresh whether to rotate: one-time tokens rotate (a successor gets its
 * own sliding window); a reusable one stays, and with sliding expiry its window starts again here.
 */
export async function rotateRefreshToken(ctx: KoaContextWithOIDC): Promise<boolean> {
  const client = ctx.oidc.client!;
  if (settingsOf(client).refreshTokens !== 'reuse') return true;
  const token = ctx.oidc.entities.RefreshToken;
  if (token && settingsOf(client).refreshTokenSlidingDays !== undefined) {
    token.exp = nowSeconds() + refreshTokenTtl(ctx, token, client);
    await token.save();
  }
  return false;
}

/** The store adapter's question: how long a spent one-time refresh token of this client still works. */
export function refreshTokenGrace(directory: Directory): (clientId: string) => Promise<number> {
  return async (clientId) => {
    const client = (await directory.client(clientId)) as RefreshTokenSettings | undefined;
    return client?.refreshTokens === 'one-time' ? (client.refreshTokenGraceSeconds ?? 0) : 0;
  };
}
