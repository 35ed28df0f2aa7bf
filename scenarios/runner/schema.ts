import * as z from 'zod';
import { fixtureFileSchema } from '../../provider/fixtures/schema.js';

/**
 * A login scenario: fixtures laid over the loaded ones, then steps, each one action with what to
 * expect. Strings may use `${name}` for values earlier steps saved. The JSON Schema editors complete
 * from (scenarios/scenario.schema.json) is generated from this, and the runner's types are inferred
 * from it: a parsed step carries its `kind`, and the runner's switch over the kinds is checked whole.
 */
const text = z.string().min(1);
const browser = text.optional().describe('a named browser (cookie jar); default "default"');
const claims = z.record(z.string(), z.unknown());

const saveMap = z.record(z.string().regex(/^\w+$/), text).optional().describe('name: where to take the value from; later steps use ${name}');

const promptSchema = z.enum(['none', 'challenge', 'security-key', 'passkey-offer', 'enroll', 'enroll-optional', 'password', 'identifier', 'emergency-code', 'error']);
/** Where a sign-in stands: back at the app (none), on one of the pages, or at an error. */
export type Prompt = z.infer<typeof promptSchema>;

const loginExpect = z
  .strictObject({
    prompt: promptSchema.optional().describe('where the sign-in stops: none (back at the app), challenge (2FA code), enroll, enroll-optional, password (re-shown), identifier, error'),
    error: text.optional().describe('the OAuth error the app receives'),
    message: text.optional().describe("text in the page's validation summary"),
    claims: claims.optional().describe('ID token claims (subset)'),
  })
  .optional();
export type LoginExpect = z.infer<typeof loginExpect>;

const webauthnAnswer = z
  .enum(['right', 'replayed', 'wrong-origin', 'unknown-credential', 'cancelled'])
  .optional()
  .describe('right (default: the control plane signs the challenge), replayed (the last answer again), wrong-origin, unknown-credential, or cancelled (the browser gave up)');

/** A kind of step: its action under the kind's own key, beside `name` and what else the kind takes. */
function step<const K extends string, A extends z.ZodType, E extends z.ZodRawShape>(kind: K, action: A, extra: E) {
  const shape = { name: text.optional(), [kind]: action, ...extra } as { name: z.ZodOptional<z.ZodString> } & { [P in K]: A } & E;
  return { kind, schema: z.strictObject(shape).transform((value) => ({ kind, ...value })) };
}

const variants = [
  step(
    'login',
    z.strictObject({
      client: text,
      user: text,
      password: text.optional().describe('default: the password the scenario fixtures give the user'),
      browser,
      network: text.optional().describe('trusted, untrusted, or an IP address the sign-in appears to come from'),
      acrValues: text.optional(),
      prompt: text.optional(),
      maxAge: z.number().int().nonnegative().optional(),
      claims: claims.optional().describe('the claims request parameter'),
      responseMode: z.enum(['form_post', 'query']).optional(),
      scope: text.optional(),
    }),
    { expect: loginExpect },
  ),
  step(
    'twoFactor',
    z.strictObject({
      code: text.describe('right, wrong, replayed, emergency, or a literal code'),
      remember: z.boolean().optional().describe('tick "Remember this device"'),
      browser,
    }),
    { expect: loginExpect },
  ),
  step('enroll', z.strictObject({ code: z.enum(['right', 'wrong']).optional(), later: z.boolean().optional(), browser }), { expect: loginExpect }),
  step('password', z.strictObject({ password: text, browser }).describe('answer the password page shown again'), { expect: loginExpect }),
  step(
    'passkey',
    z
      .strictObject({
        client: text,
        user: text.describe('a user whose fixtures give a passkey (its private key held by the control plane)'),
        answer: webauthnAnswer,
        browser,
        network: text.optional().describe('trusted, untrusted, or an IP address the sign-in appears to come from'),
        acrValues: text.optional(),
        maxAge: z.number().int().nonnegative().optional(),
      })
      .describe('sign in with "Sign in with a security key or biometrics" on the identifier page'),
    { expect: loginExpect },
  ),
  step('securityKey', z.strictObject({ answer: webauthnAnswer, remember: z.boolean().optional().describe('tick "Remember this device"'), browser }).describe("answer the security-key 2FA page with the user's security key"), {
    expect: loginExpect,
  }),
  step('clock', z.union([z.strictObject({ advance: z.number() }), z.strictObject({ now: text })]), {}),
  step('risk', z.strictObject({ trustedNetwork: z.boolean().optional(), clientIp: text.optional() }), {}),
  step('fixtures', fixtureFileSchema.describe('merged over the fixtures the emulator has (the fixture schema)'), {}),
  step('fault', z.strictObject({ endpoint: text, count: z.number().int().positive().optional(), status: z.number().int().optional(), error: text.optional(), errorDescription: text.optional(), delayMs: z.number().optional() }), {}),
  step(
    'api',
    z.strictObject({
      method: z.enum(['GET', 'POST', 'DELETE']),
      path: text.describe('under /api/v1'),
      body: z.unknown().optional(),
      client: text.optional().describe('a client_credentials client of the fixtures; default hrm-api'),
      secret: text.optional(),
      tenantId: text.optional().describe('tenant_id for the token'),
      scope: z.string().optional().describe('the token\'s scope; default connect:users, "" for none'),
    }),
    { expect: z.strictObject({ status: z.number().int(), body: z.unknown().optional() }).optional(), save: saveMap },
  ),
  step('mail', z.strictObject({ to: text }).describe('the newest mail to this address'), {
    expect: z.strictObject({ subject: text.optional(), contains: text.optional() }).optional(),
    save: saveMap.describe('name: code (the 6-digit code) or link:<path> (the first link with that path)'),
  }),
  step('open', z.strictObject({ url: text, browser }).describe('open a link (from a mail) in a browser'), {
    expect: z.strictObject({ status: z.number().int().optional(), contains: text.optional(), prompt: promptSchema.optional(), claims: claims.optional() }).optional(),
  }),
  step('setPassword', z.strictObject({ password: text, confirm: text.optional(), browser }), {
    expect: z.strictObject({ changed: z.boolean().optional(), messages: z.array(text).optional() }).optional(),
  }),
  step('refresh', z.strictObject({ browser, client: text.optional() }), {
    expect: z.strictObject({ error: text.optional(), rotated: z.boolean().optional(), claims: claims.optional() }).optional(),
  }),
  step('logout', z.strictObject({ browser }), { expect: z.strictObject({ signedOut: z.boolean().optional() }).optional() }),
  step('explain', z.strictObject({ user: text, client: text, acrValues: text.optional(), trustedNetwork: z.boolean().optional(), rememberedDevice: z.boolean().optional() }), {
    expect: z.strictObject({ outcome: promptSchema.optional(), rule: text.optional() }),
  }),
  step('decisions', z.strictObject({}).describe('the 2FA decisions the sign-ins took since the scenario began (GET /_mock/decisions)'), {
    expect: z.array(z.record(z.string(), z.unknown())).describe('every decision, oldest first: one per sign-in step that asked or could have asked; each a subset of stage, email, clientId, outcome, rule, reason'),
  }),
];

/** The kinds of step, in the order the schema lists them. */
export const STEP_KINDS = variants.map((variant) => variant.kind);

const stepSchema = z.union(variants.map((variant) => variant.schema));

export const scenarioSchema = z.strictObject({
  name: text,
  description: text.optional(),
  tags: z.array(text).optional(),
  fixtures: fixtureFileSchema.optional().describe('merged over the loaded fixtures after a reset (the fixture schema)'),
  steps: z.array(stepSchema).min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step['kind'];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;
