import type { AcrSettings } from '../fixtures/index.js';

/** What an authorization request asks of the authentication, read from acr_values, claims and max_age. */
export interface AcrRequest {
  stepUp: boolean;
  reauthenticate: boolean;
  maxAgeSeconds: number | undefined;
}

export interface AcrRequestParams {
  acr_values?: unknown;
  max_age?: unknown;
}

export interface EssentialAcrClaim {
  essential?: boolean;
  value?: string;
  values?: string[];
}

const numeric = (value: string): number | undefined => (/^\d+$/.test(value) ? Number(value) : undefined);

/** A value asks for 2FA when it is a step-up URN or a numeric level at or above the 2FA level. */
function asksForTwoFactor(value: string, acr: AcrSettings): boolean {
  if (acr.stepUp.includes(value) || value === acr.twoFactor) return true;
  const level = numeric(value);
  const twoFactorLevel = numeric(acr.twoFactor);
  return level !== undefined && twoFactorLevel !== undefined && level >= twoFactorLevel;
}

export function readAcrRequest(params: AcrRequestParams, claim: EssentialAcrClaim | undefined, acr: AcrSettings): AcrRequest {
  const requested = typeof params.acr_values === 'string' ? params.acr_values.split(' ').filter(Boolean) : [];
  if (claim?.essential) requested.push(...(claim.values ?? []), ...(claim.value === undefined ? [] : [claim.value]));
  const maxAge = typeof params.max_age === 'string' || typeof params.max_age === 'number' ? Number(params.max_age) : undefined;
  return {
    stepUp: requested.some((value) => asksForTwoFactor(value, acr)),
    reauthenticate: requested.some((value) => acr.reauthenticate.includes(value)),
    maxAgeSeconds: Number.isFinite(maxAge) ? maxAge : undefined,
  };
}
