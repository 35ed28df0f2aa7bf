import * as z from 'zod';
import { parseBody } from '../errors/index.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

export type ClockMove = { advanceSeconds: number } | { nowMs: number };

const NOW_FORMAT = 'must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z';

/** Date.parse, except that a date no calendar has (2030-02-30, which Date.parse moves to 2 March) is NaN. */
function parseDate(text: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(text.trim());
  if (day) {
    const [year, month, date] = day.slice(1).map(Number) as [number, number, number];
    const checked = new Date(Date.UTC(year, month - 1, date));
    if (checked.getUTCFullYear() !== year || checked.getUTCMonth() !== month - 1 || checked.getUTCDate() !== date) return Number.NaN;
  }
  return Date.parse(text);
}

const clockMoveSchema = schemaOnFirstUse(() =>
  z
    .strictObject({
      advanceSeconds: z.number({ error: 'must be a number of seconds' }).refine(Number.isFinite, { error: 'must be a number of seconds' }).optional(),
      now: z
        .union([z.number().transform((seconds) => seconds * 1000), z.string().transform(parseDate)], { error: NOW_FORMAT })
        .refine(Number.isFinite, { error: NOW_FORMAT })
        .optional(),
    })
    .refine(({ advanceSeconds, now }) => (advanceSeconds === undefined) !== (now === undefined), { error: 'send exactly one of {advanceSeconds} or {now}' }),
);

/** `{advanceSeconds}` moves the clock by that much; `{now}` (epoch seconds or an ISO date) sets it. */
export function parseClockMove(body: unknown): ClockMove {
  const { advanceSeconds, now } = parseBody(clockMoveSchema(), body, { unknownFieldHint: 'send {advanceSeconds} or {now}' });
  return advanceSeconds !== undefined ? { advanceSeconds } : { nowMs: now! };
}
