import { IncomingMessage } from 'node:http';
import type { Context } from 'koa';

/**
 * The request as it came, for the handlers after this one, once its body has been read here: they read
 * `body` (already read), or meet `failure` as reading the original met it.
 */
export function replayRequest(ctx: Context, replay: { body: string | Buffer } | { failure: Error }): void {
  const original = ctx.req;
  const request = new IncomingMessage(original.socket);
  request.method = original.method;
  request.url = original.url;
  request.httpVersion = original.httpVersion;
  request.headers = { ...original.headers };
  if ('body' in replay) {
    request.headers['content-length'] = String(Buffer.byteLength(replay.body));
    delete request.headers['transfer-encoding'];
    // Complete, so that ending it (once read) does not count as an aborted request and close the socket.
    request.complete = true;
    request.push(replay.body);
    request.push(null);
  } else {
    // Failing once read, as the original did: a stream destroyed now would not look readable at all.
    request._read = () => request.destroy(replay.failure);
  }
  ctx.req = request;
  ctx.request.req = request;
}
