import * as z from 'zod';
import { canonicalEmail, MAX_EMAIL_LENGTH } from '../accounts/email-address.js';
import { passwordRuleProblems, type PasswordProblem } from '../accounts/index.js';
import { VISMA_FACTS } from '../config/index.js';
import { MESSAGES } from '../i18n/index.js';
import { COUNTRY_CODES } from './countries.js';
import { PublicApiError, type ErrorCode } from './errors.js';

/** The code a field's failure answers with, unless its check names a more precise one. */
const FIELD_CODES: Record<string, ErrorCode> = {
  email: 'ERROR_INVALID_EMAIL',
  first_name: 'ERROR_INVALID_FIRST_NAME',
  last_name: 'ERROR_INVALID_LAST_NAME',
  country_code: 'ERROR_INVALID_COUNTRY_CODE',
  preferred_language: 'ERROR_INVALID_PREFERRED_LANGUAGE',
  '2step_enforced': 'ERROR_INVALID_2STEP_ENFORCED_STATE',
  unverified_phone_number: 'ERROR_INVALID_PHONE_NUMBER',
  id: 'ERROR_INVALID_TENANT_ID',
  organization_name: 'ERROR_INVALID_ORGANIZATION_NAME',
  organization_number: 'ERROR_INVALID_ORGANIZATION_NUMBER',
  business_unit_name: 'ERROR_INVALID_BUSINESS_UNIT_NAME',
  external_id: 'ERROR_INVALID_EXTERNAL_ID',
  address_1: 'ERROR_INVALID_ADDRESS',
  address_2: 'ERROR_INVALID_ADDRESS',
  postal_code: 'ERROR_INVALID_ADDRESS',
  city: 'ERROR_INVALID_ADDRESS',
  roles: 'ERROR_INVALID_ROLE',
};

/** A failed check with its own code (`params.errorCode`), where one field has more than one. */
const coded = (errorCode: ErrorCode, error: string) => ({ error, params: { errorCode } });

const PASSWORD_CODES: Record<Exclude<PasswordProblem, 'passwordReused' | 'passwordsDiffer'>, ErrorCode> = {
  passwordTooShort: 'ERROR_PASSWORD_TOO_SHORT',
  passwordNeedsDigit: 'ERROR_PASSWORD_MISSING_DIGIT',
  passwordNeedsUpper: 'ERROR_PASSWORD_MISSING_UPPERCASE_CHARACTER',
  passwordNeedsLower: 'ERROR_PASSWORD_MISSING_LOWERCASE_CHARACTER',
  passwordNeedsSpecial: 'ERROR_PASSWORD_MISSING_SPECIAL_CHARACTER',
  passwordBreached: 'ERROR_INSECURE_PASSWORD',
  // Visma's list has no code of its own for these.
  passwordHasControlCharacter: 'ERROR_INSECURE_PASSWORD',
};
const MAX_PASSWORD_LENGTH = VISMA_FACTS.password.maxLength;

/** A type error names a missing field as missing. */
const expected = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const noControlCharacters = (value: string) => !/\p{Cc}/u.test(value);
const text = (max: number) =>
  z
    .string(expected('a string'))
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine(noControlCharacters, { error: 'must not contain control characters' });
/** Absent and null are the same: not given. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

/** Into the one canonical form; what has none (no address we can mail, or a domain IDNA refuses, such as `xn--.se`) is refused, never stored as given. */
const email = z.string(expected('a string')).transform((value, ctx) => {
  if (value.trim().length > MAX_EMAIL_LENGTH) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_EMAIL_LENGTH} characters` });
  const canonical = canonicalEmail(value);
  if (canonical === undefined) ctx.addIssue({ code: 'custom', message: 'is not an e-mail address' });
  return canonical ?? z.NEVER;
});

const userCountryCode = z
  .string(expected('a string'))
  .regex(/^[A-Za-z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code such as SE' })
  .transform((code) => code.toUpperCase())
  .refine((code) => COUNTRY_CODES.has(code), coded('ERROR_COUNTRY_CODE_NOT_EXIST', 'is not an assigned ISO 3166-1 country code'));
const tenantCountryCode = z
  .string(expected('a string'))
  .regex(/^[A-Za-z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code such as SE' })
  .transform((code) => code.toUpperCase())
  .refine((code) => COUNTRY_CODES.has(code), { error: 'is not an assigned ISO 3166-1 country code' });

// Made on first use: the first Intl object of a process costs ~25 ms of ICU set-up, not for every start.
let languageNames: Intl.DisplayNames | undefined;
const languageName = (code: string) => (languageNames ??= new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' })).of(code);
/** The tag in canonical form (sv-se → sv-SE), or undefined when it is no well-formed BCP 47 tag. */
function canonicalLanguageTag(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}
const preferredLanguage = z
  .string(expected('a string'))
  .transform((tag, ctx) => {
    const canonical = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? canonicalLanguageTag(tag) : undefined;
    if (canonical === undefined) ctx.addIssue({ code: 'custom', message: 'must be a language tag such as sv-SE' });
    return canonical ?? z.NEVER;
  })
  .refine((tag) => languageName(tag.split('-')[0]!) !== undefined, coded('ERROR_PREFERRED_LANGUAGE_NOT_EXIST', 'is not a known language'));

const password = z.string(expected('a string')).superRefine((value, ctx) => {
  if ([...value].length > MAX_PASSWORD_LENGTH) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_PASSWORD_LENGTH} characters`, params: { errorCode: 'ERROR_PASSWORD_TOO_LONG' } });
    return;
  }
  const problems = passwordRuleProblems(value).filter((problem): problem is keyof typeof PASSWORD_CODES => problem in PASSWORD_CODES);
  if (problems.length > 0) {
    const message = problems.map((problem) => MESSAGES.en[problem]).join(' ');
    ctx.addIssue({ code: 'custom', message, params: { errorCode: PASSWORD_CODES[problems[0]!] } });
  }
});

const twoStepEnforced = z.boolean(expected('true or false'));
const phoneNumber = z.string(expected('a string')).regex(/^\+?[0-9][0-9 ()-]{4,19}$/, { error: 'must be a phone number such as +46701234567' });

export const createUserSchema = z.strictObject({
  email,
  first_name: text(100),
  last_name: text(100),
  country_code: optional(userCountryCode),
  preferred_language: optional(preferredLanguage),
  password: optional(password),
  unverified_phone_number: optional(phoneNumber),
  '2step_enforced': optional(twoStepEnforced),
});

export type CreateUser = z.output<typeof createUserSchema>;

export const updateUserSchema = z.strictObject({
  email: optional(email),
  first_name: optional(text(100)),
  last_name: optional(text(100)),
  country_code: optional(userCountryCode),
  preferred_language: optional(preferredLanguage),
  unverified_phone_number: optional(phoneNumber),
  '2step_enforced': optional(twoStepEnforced),
});

export const noFieldsSchema = z.strictObject({});

export const emailChangeSchema = z.strictObject({
  email_change_allowed: optional(z.boolean(expected('true or false'))),
});

const tenantFields = {
  organization_name: text(200),
  organization_number: z
    .string(expected('a string'))
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]{0,49}$/, { error: 'must be 1 to 50 letters, digits, spaces or . / -' }),
  country_code: tenantCountryCode,
  external_id: optional(text(100)),
  business_unit_name: optional(text(100)),
  address_1: optional(text(200)),
  address_2: optional(text(200)),
  postal_code: optional(text(20)),
  city: optional(text(100)),
};

export const createTenantSchema = z.strictObject({
  id: optional(z.uuid({ error: 'must be a GUID' }).transform((id) => id.toLowerCase())),
  ...tenantFields,
});

export const updateTenantSchema = z.strictObject({
  organization_name: optional(tenantFields.organization_name),
  organization_number: optional(tenantFields.organization_number),
  country_code: optional(tenantFields.country_code),
  external_id: tenantFields.external_id,
  business_unit_name: tenantFields.business_unit_name,
  address_1: tenantFields.address_1,
  address_2: tenantFields.address_2,
  postal_code: tenantFields.postal_code,
  city: tenantFields.city,
});

export const rolesSchema = z.strictObject({
  roles: z.array(text(100), expected('a list of role names')).max(100, { error: 'may hold at most 100 roles' }),
});

/** The body as `schema` reads it, or the first problem as a Public API error naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw new PublicApiError('ERROR_INVALID_REQUEST', `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}`);
  }
  const field = String(issue.path[0] ?? '');
  const own = issue.code === 'custom' ? (issue.params as { errorCode?: ErrorCode } | undefined)?.errorCode : undefined;
  throw new PublicApiError(own ?? FIELD_CODES[field] ?? 'ERROR_INVALID_REQUEST', `${issue.path.join('.') || 'the body'}: ${issue.message}`);
}
