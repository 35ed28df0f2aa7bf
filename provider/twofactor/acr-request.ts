import { InvalidRequest } from '../errors/index.js';
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

/** Acr parameters that are not the shape OIDC gives them: invalid_request, to the app at authorize and to /_mock/explain's caller alike. */
export class MalformedAcrRequest extends InvalidRequest {}

const numeric = (value: string): number | undefined => (/^\d+$/.test(value) ? Number(value) : undefined);

/** A value asks for 2FA when it is a step-up URN or a numeric level at or above the 2FA level. */
function asksForTwoFactor(value: string, acr: AcrSettings): boolean {
  if (acr.stepUp.includes(value) || value === acr.twoFactor) return true;
  const level = numeric(value);
  const twoFactorLevel = numeric(acr.twoFactor);
  return level !== undefined && twoFactorLevel !== undefined && level >= twoFactorLevel;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * acr_values: a string of space-separated values. A request object's JSON array reaches here as its JSON
 * text (oidc-provider passes parameters on as strings): refused, not read as one value nobody knows,
 * which would drop the step-up it asks for without a word.
 */
function acrValuesOf(value: unknown): string[] {
  if (value === undefined) return [];
  if (!isString(value) || value.trimStart().startsWith('[')) throw new MalformedAcrRequest('acr_values must be a string of space-separated values, not a JSON array');
  return value.split(' ').filter(Boolean);
}

/** The values an essential acr claim asks for (OIDC Core 5.5.1: `value` a string, `values` an array of them); none for a voluntary one. */
function essentialClaimValuesOf(claim: unknown): string[] {
  if (claim === undefined || claim === null) return [];
  if (typeof claim !== 'object' || Array.isArray(claim)) throw new MalformedAcrRequest('the acr claim request must be null or an object');
  const { essential, value, values } = claim as Record<string, unknown>;
  if (essential !== undefined && typeof essential !== 'boolean') throw new MalformedAcrRequest("the acr claim request's essential must be true or false");
  if (value !== undefined && !isString(value)) throw new MalformedAcrRequest("the acr claim request's value must be a string");
  if (values !== undefined && !(Array.isArray(values) && values.every(isString))) throw new MalformedAcrRequest("the acr claim request's values must be an array of strings");
  return essential ? [...(values ?? []), ...(value === undefined ? [] : [value])] : [];
}

/**
 * `claim`: the acr member of the claims parameter's id_token, as the client sent it (JSON of any shape).
 * Throws MalformedAcrRequest when it or acr_values is not the shape OIDC gives it.
 */
export function readAcrRequest(params: AcrRequestParams, claim: unknown, acr: AcrSettings): AcrRequest {
  const requested = [...acrValuesOf(params.acr_values), ...essentialClaimValuesOf(claim)];
  const maxAge = typeof params.max_age === 'string' || typeof params.max_age === 'number' ? Number(params.max_age) : undefined;
  return {
    stepUp: requested.some((value) => asksForTwoFactor(value, acr)),
    reauthenticate: requested.some((value) => acr.reauthenticate.includes(value)),
    maxAgeSeconds: Number.isFinite(maxAge) ? maxAge : undefined,
  };
}
