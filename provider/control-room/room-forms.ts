import * as z from 'zod';
import { InvalidRequest } from '../errors/index.js';
import type { FieldProblem } from '../http/index.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

/**
 * The room's forms, field by field, as its pages send them: single texts of a bounded length (a name
 * sent twice is refused, as is a fixtures text longer than the room reads). The control plane's own
 * schemas then check what the texts say, as for `/_mock`'s JSON.
 */
const text = (max: number) => {
  const message = `must be one text of at most ${max} characters`;
  return z.string({ error: message }).trim().max(max, { error: message });
};

/** An "advance by" button, "Now (real time)", or a time typed in "Go to". */
export const clockForm = schemaOnFirstUse(() =>
  z.object({
    now: z.literal('real', { error: 'must be "real" (the "Now" button)' }).optional(),
    to: text(64).default(''),
    advanceSeconds: text(32).optional(),
  }),
);
export type ClockForm = z.output<ReturnType<typeof clockForm>>;

/** The risk of the next sign-ins: trusted network yes, no or measured (empty), and a client address. */
export const riskForm = schemaOnFirstUse(() =>
  z.object({
    trustedNetwork: z.enum(['', 'true', 'false'], { error: 'must be empty, true or false' }).default(''),
    clientIp: text(64).default(''),
  }),
);

/** A fault to queue: each field as typed, empty when not given. */
export const faultForm = schemaOnFirstUse(() =>
  z.object({
    endpoint: text(64).default(''),
    error: text(256).default(''),
    errorDescription: text(1000).default(''),
    count: text(16).default(''),
    status: text(16).default(''),
    delayMs: text(16).default(''),
  }),
);
export type FaultForm = z.output<ReturnType<typeof faultForm>>;

/** Fixtures to check or merge: the body's limit bounds the text. */
export const fixturesForm = schemaOnFirstUse(() =>
  z.object({
    yaml: z.string({ error: 'must be one text' }).default(''),
    action: z.enum(['check', 'apply'], { error: 'must be check or apply (the buttons)' }).default('check'),
  }),
);

/** A refused field as the room shows it beside its form. */
export const refusedField = ({ field, message }: FieldProblem): InvalidRequest => new InvalidRequest(`${field} ${message}`);
