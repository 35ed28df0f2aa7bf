import * as z from 'zod';
import type { FieldProblem } from '../http/index.js';
import { PROMPT_VALUES } from '../oidc/index.js';
import { RESPONSE_MODES, type ResponseMode, type SignInOptions } from './runs.js';

/** A field left empty is a parameter not sent. */
const blankAsAbsent = (value: unknown) => (typeof value !== 'string' ? value : value.trim() === '' ? undefined : value.trim());

const optionalText = (max: number, pattern: RegExp, message: string) => z.preprocess(blankAsAbsent, z.string({ error: message }).max(max, { error: message }).regex(pattern, { error: message }).optional());

const LOCALE = '[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*';

/** RFC 6749 §3.3's scope-token, and a bound that keeps the authorization request's URL one a server takes. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const MAX_SCOPE_LENGTH = 1000;
const SCOPE_MESSAGE = `Scopes are names of printable ASCII (no quote or backslash), separated by spaces, at most ${MAX_SCOPE_LENGTH} characters in all.`;

const formSchema = z.object({
  client: z.string({ error: 'Pick one client.' }).trim().min(1, { error: 'Pick a client.' }),
  login_hint: optionalText(254, /^[^\s]*$/, 'The login hint is an e-mail address (no spaces, at most 254 characters).'),
  acr_values: optionalText(1000, /^[\x21-\x7E]+( [\x21-\x7E]+)*$/, 'acr_values are values separated by single spaces, in printable ASCII.'),
  prompt: z.preprocess(blankAsAbsent, z.enum(PROMPT_VALUES as [string, ...string[]], { error: `prompt is empty or one of ${PROMPT_VALUES.join(', ')}.` }).optional()),
  max_age: optionalText(9, /^\d+$/, 'max_age is a whole number of seconds, 0 or more (at most 9 digits), or empty.').transform((value) => (value === undefined ? undefined : Number(value))),
  ui_locales: optionalText(200, new RegExp(`^${LOCALE}( ${LOCALE})*$`), 'ui_locales are language tags separated by spaces, like "sv-SE en".'),
  response_mode: z.enum(RESPONSE_MODES as [ResponseMode, ...ResponseMode[]], { error: `The response mode is one of ${RESPONSE_MODES.join(', ')}.` }).default('query'),
  scope: z
    .union([z.string(), z.array(z.string())], { error: 'Scopes are names.' })
    .optional()
    .transform((value) => [
      ...new Set([
        'openid',
        ...[value ?? []]
          .flat()
          .flatMap((scope) => scope.split(' '))
          .filter(Boolean),
      ]),
    ])
    .pipe(z.array(z.string().regex(SCOPE_TOKEN, { error: SCOPE_MESSAGE })).refine((scopes) => scopes.join(' ').length <= MAX_SCOPE_LENGTH, { error: SCOPE_MESSAGE })),
});

/** The form's fields as the query carries them: its names are the authorization request's. */
export function readSignInForm(query: Record<string, unknown>): { options: SignInOptions } | { problems: FieldProblem[] } {
  const parsed = formSchema.safeParse(query);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'client'), message: issue.message })) };
  const { client, login_hint, acr_values, prompt, max_age, ui_locales, response_mode, scope } = parsed.data;
  return {
    options: { clientId: client, loginHint: login_hint, acrValues: acr_values, prompt, maxAge: max_age, uiLocales: ui_locales, responseMode: response_mode, scopes: scope },
  };
}

/** The authorization request for a sign-in, as the form's names say. */
export function authorizationParams(options: SignInOptions): Record<string, string> {
  return {
    client_id: options.clientId,
    response_type: 'code',
    scope: options.scopes.join(' '),
    response_mode: options.responseMode,
    ...(options.loginHint && { login_hint: options.loginHint }),
    ...(options.acrValues && { acr_values: options.acrValues }),
    ...(options.prompt && { prompt: options.prompt }),
    ...(options.maxAge !== undefined && { max_age: String(options.maxAge) }),
    ...(options.uiLocales && { ui_locales: options.uiLocales }),
  };
}

/** The form filled in as `options` say (to start again with a change). */
export function formValues(options: SignInOptions | undefined): Record<string, string> {
  if (!options) return {};
  return { ...authorizationParams(options), client: options.clientId };
}
