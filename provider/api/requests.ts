import * as z from 'zod';
import { canonicalEmail, MAX_EMAIL_LENGTH, type Delivery } from '../accounts/index.js';
import { VISMA_FACTS } from '../config/index.js';
import { parseBody } from '../errors/index.js';

const MAX_BATCH = VISMA_FACTS.emailVerification.maxBatch;
const CODE_DIGITS = VISMA_FACTS.emailVerification.codeDigits;

/** A type error names a missing field as missing. */
const expected = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

/** An address in its canonical form (canonicalEmail), or `invalid_email`. */
const email = z
  .string(expected('a string'))
  .trim()
  .min(1, { error: 'is required' })
  .transform((value, ctx) => {
    const canonical = value.length > MAX_EMAIL_LENGTH ? undefined : canonicalEmail(value);
    if (canonical !== undefined) return canonical;
    if (value.length > MAX_EMAIL_LENGTH) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_EMAIL_LENGTH} characters`, params: { code: 'invalid_email' } });
    else ctx.addIssue({ code: 'custom', message: `"${value}" is not an e-mail address`, params: { code: 'invalid_email', standalone: true } });
    return z.NEVER;
  });

const verificationRequestSchema = z.strictObject(
  {
    email,
    delivery: z.enum(['code', 'link'], { error: 'must be "code" or "link"' }),
    locale: z
      .string(expected('a string'))
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'must be a language tag such as sv-SE' })
      .optional(),
    tenantId: z.string(expected('a string')).min(1, { error: 'must be a non-empty string' }).optional(),
  },
  { error: 'each verification must be a JSON object' },
);

/** `{email, delivery: "code"|"link", locale?, tenantId?}`. */
export type VerificationRequest = z.output<typeof verificationRequestSchema> & { delivery: Delivery };

const codeSchema = z.strictObject({
  code: z
    .string(expected(`the ${CODE_DIGITS} digits from the mail, as a string`))
    .trim()
    .regex(new RegExp(`^\\d{${CODE_DIGITS}}$`), { error: `must be the ${CODE_DIGITS} digits from the mail, as a string` }),
});

const batchSchema = z.strictObject({
  items: z
    .array(z.unknown(), expected('a non-empty array of verifications'))
    .min(1, { error: 'must be a non-empty array of verifications' })
    .max(MAX_BATCH, { error: `may hold at most ${MAX_BATCH} verifications` }),
});

export const parseVerificationRequest = (body: unknown): VerificationRequest => parseBody(verificationRequestSchema, body);
export const parseCode = (body: unknown): string => parseBody(codeSchema, body).code;
export const parseBatch = (body: unknown): unknown[] => parseBody(batchSchema, body).items;
/** `GET /users?email=`: the query's address, canonical, or `invalid_email`. */
export const parseEmail = (value: string): string => parseBody(z.object({ email }), { email: value }).email;
