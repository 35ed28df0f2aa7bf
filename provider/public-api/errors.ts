import type { Middleware } from 'koa';
import { HttpError, type Logger } from '../http/index.js';
import { StoreContentionError } from '../store/index.js';

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

/** A Public API error: `{error_code, error, error_description}` with the code's status. */
export class PublicApiError extends HttpError {
  override name = 'PublicApiError';

  constructor(
    readonly errorCode: ErrorCode,
    description: string,
  ) {
    super(CODES[errorCode], ERROR_BY_STATUS[CODES[errorCode]] ?? 'invalid_request', description);
  }

  override toJSON(): { error: string; error_description: string } & { error_code: ErrorCode } {
    return { error_code: this.errorCode, ...super.toJSON() };
  }
}

/** Errors of the shared HTTP helpers (body reading) by status. */
const CODE_BY_STATUS: Record<number, ErrorCode> = { 413: 'ERROR_PAYLOAD_TOO_LARGE', 415: 'ERROR_UNSUPPORTED_MEDIA_TYPE', 503: 'ERROR_SERVICE_UNAVAILABLE' };

/**
 * Every answer of the Public API that is an error carries an `error_code`: thrown errors are mapped
 * here, and error bodies written by shared middleware (the store guard's 503) get theirs added.
 */
export function publicApiErrors(logger: Logger): Middleware {
  return async function publicApiErrorBoundary(ctx, next) {
    try {
      await next();
    } catch (error) {
      const mapped = toPublicApiError(error);
      if (!mapped) logger.error(`public API ${ctx.method} ${ctx.path} failed: ${(error as Error).stack ?? String(error)}`);
      const answer = mapped ?? new PublicApiError('ERROR_INTERNAL', 'the emulator failed to handle this request; see its log');
      ctx.status = answer.status;
      ctx.body = answer.toJSON();
      return;
    }
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.status >= 400 && body && typeof body === 'object' && !('error_code' in body)) {
      ctx.body = { error_code: CODE_BY_STATUS[ctx.status] ?? 'ERROR_INVALID_REQUEST', ...body };
    }
  };
}

function toPublicApiError(error: unknown): PublicApiError | undefined {
  if (error instanceof PublicApiError) return error;
  if (error instanceof StoreContentionError) return new PublicApiError('ERROR_SERVICE_UNAVAILABLE', 'too many concurrent changes to this resource; try again');
  if (error instanceof HttpError) return new PublicApiError(CODE_BY_STATUS[error.status] ?? 'ERROR_INVALID_REQUEST', error.description);
  return undefined;
}
