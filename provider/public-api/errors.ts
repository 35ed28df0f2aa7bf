import type { Middleware } from 'koa';
import { DomainError } from '../errors/index.js';
import type { ErrorShape } from '../http/index.js';

/**
 * The Public API's `error_code`s and the HTTP status each answers with: the one place codes meet HTTP.
 * Codes seen on the real API (DESIGN.md section 6b) keep their names; the rest are this emulator's own,
 * named the same way. The statuses are not public: 400 for validation and 409 for conflicts, as
 * ASP.NET Core APIs (IdentityServer's world) answer.
 */
const CODES = {
  // Seen on the real API.
  ERROR_INVALID_EMAIL: 400,
  ERROR_INSECURE_PASSWORD: 400,
  ERROR_PASSWORD_TOO_SHORT: 400,
  ERROR_PASSWORD_TOO_LONG: 400,
  ERROR_PASSWORD_MISSING_UPPERCASE_CHARACTER: 400,
  ERROR_PASSWORD_MISSING_LOWERCASE_CHARACTER: 400,
  ERROR_PASSWORD_MISSING_SPECIAL_CHARACTER: 400,
  ERROR_PASSWORD_MISSING_DIGIT: 400,
  ERROR_INVALID_FIRST_NAME: 400,
  ERROR_INVALID_LAST_NAME: 400,
  ERROR_INVALID_COUNTRY_CODE: 400,
  ERROR_COUNTRY_CODE_NOT_EXIST: 400,
  ERROR_INVALID_PREFERRED_LANGUAGE: 400,
  ERROR_PREFERRED_LANGUAGE_NOT_EXIST: 400,
  ERROR_INVALID_2STEP_ENFORCED_STATE: 400,
  ERROR_INVALID_ORGANIZATION_NAME: 400,
  ERROR_INVALID_ORGANIZATION_NUMBER: 400,
  ERROR_INVALID_BUSINESS_UNIT_NAME: 400,
  ERROR_USER_LINKED_TO_CLIENT: 409,
  ERROR_TENANT_ID_ALREADY_ADDED: 409,
  ERROR_EXTERNAL_ID_ALREADY_ADDED: 409,
  // This emulator's own.
  ERROR_INVALID_REQUEST: 400,
  ERROR_INVALID_PHONE_NUMBER: 400,
  ERROR_INVALID_TENANT_ID: 400,
  ERROR_INVALID_EXTERNAL_ID: 400,
  ERROR_INVALID_ADDRESS: 400,
  ERROR_INVALID_ROLE: 400,
  ERROR_EMAIL_CHANGE_NOT_ALLOWED: 400,
  ERROR_DOMAIN_NOT_ALLOWED: 400,
  ERROR_INVALID_TOKEN: 401,
  ERROR_INSUFFICIENT_SCOPE: 403,
  ERROR_TENANT_BOUND_TOKEN: 403,
  ERROR_NOT_FOUND: 404,
  ERROR_USER_NOT_FOUND: 404,
  ERROR_TENANT_NOT_FOUND: 404,
  ERROR_APPLICATION_NOT_FOUND: 404,
  ERROR_PAYLOAD_TOO_LARGE: 413,
  ERROR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERROR_SERVICE_UNAVAILABLE: 503,
  ERROR_INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof CODES;

/** The OAuth-style `error` beside the code, so clients of the emulator's other JSON APIs read it alike. */
const ERROR_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'insufficient_scope',
  404: 'not_found',
  409: 'conflict',
  413: 'invalid_request',
  415: 'invalid_request',
  503: 'temporarily_unavailable',
  500: 'server_error',
};

/** A Public API failure, named by its `error_code` (which also fixes its status). */
export class PublicApiError extends DomainError {
  constructor(
    readonly errorCode: ErrorCode,
    description: string,
  ) {
    super(description, ERROR_BY_STATUS[CODES[errorCode]] ?? 'invalid_request');
  }
}

/** Errors of the shared parts (body reading, the store guard, the last resort) by status. */
const CODE_BY_STATUS: Record<number, ErrorCode> = { 413: 'ERROR_PAYLOAD_TOO_LARGE', 415: 'ERROR_UNSUPPORTED_MEDIA_TYPE', 500: 'ERROR_INTERNAL', 503: 'ERROR_SERVICE_UNAVAILABLE' };

/**
 * The Public API's error shape, `{error_code, error, error_description}`, for the edge: its own errors
 * keep their code and status; other domain errors (a body that is not JSON) answer as before with
 * the code of their status, or ERROR_INVALID_REQUEST (400).
 */
export const publicApiShape: ErrorShape = (ctx, { status, code, description, error }) => {
  const errorCode = error instanceof PublicApiError ? error.errorCode : (CODE_BY_STATUS[status] ?? 'ERROR_INVALID_REQUEST');
  ctx.status = CODES[errorCode];
  ctx.body = { error_code: errorCode, error: error instanceof PublicApiError ? code : (ERROR_BY_STATUS[CODES[errorCode]] ?? code), error_description: description };
};

/** Error bodies written by shared middleware (the store guard's 503) get their `error_code` too. */
export function errorCodesOnErrorBodies(): Middleware {
  return async function addErrorCode(ctx, next) {
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.status >= 400 && body && typeof body === 'object' && !('error_code' in body)) {
      ctx.body = { error_code: CODE_BY_STATUS[ctx.status] ?? 'ERROR_INVALID_REQUEST', ...body };
    }
  };
}
