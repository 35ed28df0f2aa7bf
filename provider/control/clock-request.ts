import { HttpError } from '../http/index.js';

export type ClockMove = { advanceSeconds: number } | { nowMs: number };

/** `{advanceSeconds}` moves the clock by that much; `{now}` (epoch seconds or an ISO date) sets it. */
export function parseClockMove(body: Record<string, unknown>): ClockMove {
  const { advanceSeconds, now, ...rest } = body;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new HttpError(400, 'invalid_request', `unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; send {advanceSeconds} or {now}`);
  if ((advanceSeconds === undefined) === (now === undefined)) throw new HttpError(400, 'invalid_request', 'send exactly one of {advanceSeconds} or {now}');
  if (advanceSeconds !== undefined) {
    if (typeof advanceSeconds !== 'number' || !Number.isFinite(advanceSeconds)) throw new HttpError(400, 'invalid_request', 'advanceSeconds must be a number of seconds');
    return { advanceSeconds };
  }
  const nowMs = typeof now === 'number' ? now * 1000 : typeof now === 'string' ? Date.parse(now) : Number.NaN;
  if (!Number.isFinite(nowMs)) throw new HttpError(400, 'invalid_request', 'now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z');
  return { nowMs };
}
