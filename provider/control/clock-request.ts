import * as z from 'zod';
import { parseBody } from '../errors/index.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

export type ClockMove = { advanceSeconds: number } | { nowMs: number };

const NOW_FORMAT = 'must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z';

/** An ISO 8601 date (its year in four digits, or six with a sign), or date and time with an optional fraction and zone (none: the machine's own). */
const ISO_DATE = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * The instant of an ISO 8601 date; NaN for anything else, and for a day no calendar has (2030-02-30),
 * which Date.parse would move to 2 March, as it would read 'Feb 30 2030' or '2030/02/30'.
 */
function parseDate(text: string): number {
  const day = ISO_DATE.exec(text.trim());
  if (!day) return Number.NaN;
  const [year, month, date] = day.slice(1, 4).map(Number) as [number, number, number];
  const checked = new Date(0);
  checked.setUTCFullYear(year, month - 1, date); // not Date.UTC, which reads years 0 to 99 as 1900 to 1999
  if (checked.getUTCFullYear() !== year || checked.getUTCMonth() !== month - 1 || checked.getUTCDate() !== date) return Number.NaN;
  return Date.parse(text.trim());
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
