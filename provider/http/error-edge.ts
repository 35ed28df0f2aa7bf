import type { Context, Middleware } from 'koa';
import { BodyTooLarge, Conflict, DomainError, Expired, InvalidRequest, NotAllowed, NotFound, TooManyAttempts, Unauthenticated, UnsupportedMediaType } from '../errors/index.js';
import { negotiateLanguage, type MessageKey } from '../i18n/index.js';
import { StoreOutageError } from '../store/index.js';
import type { Logger } from './logger.js';
import { sendPage } from './views.js';

/** Each kind of domain error and the status it answers with: the one place domain errors meet HTTP. */
const STATUS = new Map<abstract new (...args: never[]) => DomainError, number>([
  [InvalidRequest, 400],
  [Unauthenticated, 401],
  [NotAllowed, 403],
  [NotFound, 404],
  [Conflict, 409],
  [Expired, 410],
  [BodyTooLarge, 413],
  [UnsupportedMediaType, 415],
  [TooManyAttempts, 429],
]);

export function httpStatusOf(error: DomainError): number {
  for (const [kind, status] of STATUS) if (error instanceof kind) return status;
  return 400;
}

/** A failure as the edge answers it: what went wrong, and the domain error when it was one (else a 500). */
export interface Failure {
  status: number;
  code: string;
  description: string;
  error: DomainError | undefined;
}

/** Writes a failure in one listener's shape. */
export type ErrorShape = (ctx: Context, failure: Failure) => void;

/** Our JSON APIs (/api/v1, /_mock): OAuth-style `{error, error_description}`. */
export const jsonShape: ErrorShape = (ctx, { status, code, description }) => {
  ctx.status = status;
  ctx.body = { error: code, error_description: description };
};

/** What the error page says in the page's language for the failures a browser's own form can meet; the description stays as the detail. */
const EXPLANATIONS = new Map<number, MessageKey>([
  [413, 'bodyTooLargeExplanation'],
  [415, 'bodyUnreadableExplanation'],
]);

/** Pages: the error page, in the browser's language, the description as a sentence. */
const pageShape: ErrorShape = (ctx, { status, code, description }) => {
  sendPage(ctx, 'error', { language: negotiateLanguage(ctx), error: code, description: `${description.replace(/\.$/, '')}.`, explanation: EXPLANATIONS.get(status) }, status);
};

/** A page for a browser (it asks for text/html), JSON for API clients, curl and fetch. */
export const negotiatedShape: ErrorShape = (ctx, failure) => (ctx.get('accept').includes('text/html') ? pageShape : jsonShape)(ctx, failure);

const SERVER_ERROR = { status: 500, code: 'server_error', description: 'the emulator failed to handle this request; see its log', error: undefined };

/**
 * The edge between the domain and HTTP, and the last resort: a domain error thrown anywhere behind it
 * is answered with its status in the shape `shapeFor` picks for the request; anything else is logged
 * and answered 500 in the same shape. A store outage goes on to the store guard (503).
 */
export function errorEdge(logger: Logger, shapeFor: (ctx: Context) => ErrorShape): Middleware {
  return async function answerErrors(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (error instanceof StoreOutageError) throw error;
      if (error instanceof DomainError) return shapeFor(ctx)(ctx, { status: httpStatusOf(error), code: error.code, description: error.description, error });
      logger.error(`${ctx.method} ${ctx.path} failed: ${(error as Error).stack ?? String(error)}`);
      shapeFor(ctx)(ctx, SERVER_ERROR);
    }
  };
}
