import { z } from 'zod';

/**
 * A login scenario: fixtures laid over the loaded ones, then steps, each one action with what to
 * expect. Strings may use `${name}` for values earlier steps saved. The JSON Schema editors complete
 * from (scenarios/scenario.schema.json) is generated from this.
 */
const text = z.string().min(1);
const browser = text.optional().describe('a named browser (cookie jar); default "default"');

const saveMap = z.record(z.string().regex(/^\w+$/), text).optional().describe('name: where to take the value from; later steps use ${name}');

const prompt = z.enum(['none', 'challenge', 'enroll', 'enroll-optional', 'password', 'identifier', 'emergency-code', 'error']);

const loginExpect = z
  .strictObject({
    prompt: prompt.optional().describe('where the sign-in stops: none (back at the app), challenge (2FA code), enroll, enroll-optional, password (re-shown), identifier, error'),
    error: text.optional().describe('the OAuth error the app receives'),
    message: text.optional().describe('text in the page\'s validation summary'),
    claims: z.record(z.string(), z.unknown()).optional().describe('ID token claims (subset)'),
  })
  .optional();

export const stepSchema = z.union([
  z.strictObject({
    name: text.optional(),
    login: z.strictObject({
      client: text,
      user: text,
      password: text.optional().describe('default: the password the scenario fixtures give the user'),
      browser,
      network: text.optional().describe('trusted, untrusted, or an IP address the sign-in appears to come from'),
      acrValues: text.optional(),
      prompt: text.optional(),
      maxAge: z.number().int().nonnegative().optional(),
      claims: z.record(z.string(), z.unknown()).optional().describe('the claims request parameter'),
      responseMode: z.enum(['form_post', 'query']).optional(),
      scope: text.optional(),
    }),
    expect: loginExpect,
  }),
  z.strictObject({
    name: text.optional(),
    twoFactor: z.strictObject({
      code: text.describe('right, wrong, replayed, emergency, or a literal code'),
      remember: z.boolean().optional().describe('tick "Remember this device"'),
      browser,
    }),
    expect: loginExpect,
  }),
  z.strictObject({
    name: text.optional(),
    enroll: z.strictObject({ code: z.enum(['right', 'wrong']).optional(), later: z.boolean().optional(), browser }),
    expect: loginExpect,
  }),
  z.strictObject({
    name: text.optional(),
    password: z.strictObject({ password: text, browser }).describe('answer the password page shown again'),
    expect: loginExpect,
  }),
  z.strictObject({ name: text.optional(), clock: z.union([z.strictObject({ advance: z.number() }), z.strictObject({ now: text })]) }),
  z.strictObject({ name: text.optional(), risk: z.strictObject({ trustedNetwork: z.boolean().optional(), clientIp: text.optional() }) }),
  z.strictObject({ name: text.optional(), fixtures: z.record(z.string(), z.unknown()) }),
  z.strictObject({
    name: text.optional(),
    fault: z.strictObject({ endpoint: text, count: z.number().int().positive().optional(), status: z.number().int().optional(), error: text.optional(), errorDescription: text.optional(), delayMs: z.number().optional() }),
  }),
  z.strictObject({
    name: text.optional(),
    api: z.strictObject({
      method: z.enum(['GET', 'POST', 'DELETE']),
      path: text.describe('under /api/v1'),
      body: z.unknown().optional(),
      client: text.optional().describe('a client_credentials client of the fixtures; default hrm-api'),
      secret: text.optional(),
      tenantId: text.optional().describe('tenant_id for the token'),
      scope: z.string().optional().describe('the token\'s scope; default connect:users, "" for none'),
    }),
    expect: z.strictObject({ status: z.number().int(), body: z.unknown().optional() }).optional(),
    save: saveMap,
  }),
  z.strictObject({
    name: text.optional(),
    mail: z.strictObject({ to: text }).describe('the newest mail to this address'),
    expect: z.strictObject({ subject: text.optional(), contains: text.optional() }).optional(),
    save: saveMap.describe('name: code (the 6-digit code) or link:<path> (the first link with that path)'),
  }),
  z.strictObject({
    name: text.optional(),
    open: z.strictObject({ url: text, browser }).describe('open a link (from a mail) in a browser'),
    expect: z.strictObject({ status: z.number().int().optional(), contains: text.optional(), prompt: prompt.optional(), claims: z.record(z.string(), z.unknown()).optional() }).optional(),
  }),
  z.strictObject({
    name: text.optional(),
    setPassword: z.strictObject({ password: text, confirm: text.optional(), browser }),
    expect: z.strictObject({ changed: z.boolean().optional(), messages: z.array(text).optional() }).optional(),
  }),
  z.strictObject({
    name: text.optional(),
    refresh: z.strictObject({ browser, client: text.optional() }),
    expect: z.strictObject({ error: text.optional(), rotated: z.boolean().optional(), claims: z.record(z.string(), z.unknown()).optional() }).optional(),
  }),
  z.strictObject({
    name: text.optional(),
    logout: z.strictObject({ browser }),
    expect: z.strictObject({ signedOut: z.boolean().optional() }).optional(),
  }),
  z.strictObject({
    name: text.optional(),
    explain: z.strictObject({ user: text, client: text, acrValues: text.optional(), trustedNetwork: z.boolean().optional(), rememberedDevice: z.boolean().optional() }),
    expect: z.strictObject({ outcome: prompt.optional(), rule: text.optional() }),
  }),
  z.strictObject({
    name: text.optional(),
    decisions: z.strictObject({}).describe('the 2FA decisions the sign-ins took since the scenario began (GET /_mock/decisions)'),
    expect: z
      .array(z.record(z.string(), z.unknown()))
      .describe('every decision, oldest first: one per sign-in step that asked or could have asked; each a subset of stage, email, clientId, outcome, rule, reason'),
  }),
]);

export const scenarioSchema = z.strictObject({
  name: text,
  description: text.optional(),
  tags: z.array(text).optional(),
  fixtures: z.record(z.string(), z.unknown()).optional().describe('merged over the loaded fixtures after a reset (the fixture schema)'),
  steps: z.array(stepSchema).min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type Step = z.infer<typeof stepSchema>;

/** The step's action: the one key besides name, expect and save. */
export function actionOf(step: Step): string {
  return Object.keys(step).find((key) => key !== 'name' && key !== 'expect' && key !== 'save')!;
}
