import type Koa from 'koa';
import type { Logger } from './logger.js';

/**
 * Koa prints to stderr every error a request ends with that is not exposed, whatever LOG_LEVEL says:
 * a malformed chunked body printed `Error: Parse Error: Invalid character in chunk size` after its 400.
 * Through the logger instead: what a client got wrong at debug, anything else as an error.
 */
export function logKoaErrors(app: Koa, logger: Logger, name: string): void {
  app.on('error', (error: Error & { status?: number; code?: unknown }) => {
    if (isClientMistake(error)) logger.debug(`${name}: ${error.message}`);
    else logger.error(`${name}: ${error.stack ?? error.message}`);
  });
}

/** A 4xx, or a request Node's HTTP parser refused (its codes start with HPE_): the client's doing, not ours. */
const isClientMistake = (error: { status?: number; code?: unknown }): boolean => (error.status !== undefined && error.status < 500) || (typeof error.code === 'string' && error.code.startsWith('HPE_'));
