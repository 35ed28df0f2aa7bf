import { parseArgs } from 'node:util';
import * as z from 'zod';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';
import { shownValue } from './shown-value.js';

/** One setting's sources: a command-line flag (optional) and an environment variable. */
const FLAGS = {
  port: 'PORT',
  host: 'HOST',
  issuer: 'ISSUER',
  fixtures: 'FIXTURES',
  store: 'STORE',
  mail: 'MAIL',
} as const;

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number from 0 to 65535` })
    .int({ error: `${name} must be a port number from 0 to 65535` })
    .min(0, { error: `${name} must be a port number from 0 to 65535` })
    .max(65535, { error: `${name} must be a port number from 0 to 65535` })
    .default(fallback);

const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T, fallback: T[number]) => z.enum(values, { error: `${name} must be one of ${values.join(', ')}` }).default(fallback);

const url = (name: string, protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

/** The embedded defaults, as the environment would give them: the schema's, and the testing library's start (which needs no schema). */
const DEFAULTS = {
  PORT: 5080,
  HOST: '127.0.0.1',
  STORE: 'memory',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_PREFIX: 'mvc:',
  MAIL: 'embedded',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  SMTP_PORT: 1025,
  MAIL_API_PORT: 8025,
  PUBLIC_API_PORT: 5081,
  LOG_LEVEL: 'info',
  TRUST_PROXY: 'false',
  MAIL_RETRY_SECONDS: 5,
  PASSWORD_HASH_COST: 8,
} as const;

/** Made on first use: a start of the testing library reads only the defaults, and zod's first schema costs ~5 ms. */
const settingsSchema = schemaOnFirstUse(() =>
  z.object({
    PORT: port('PORT', DEFAULTS.PORT),
    HOST: z.string().min(1, { error: 'HOST must be a host name or IP address' }).default(DEFAULTS.HOST),
    ISSUER: url('ISSUER', ['http:', 'https:'])
      .refine((value) => !value.endsWith('/'), { error: 'ISSUER must not end with a slash (Visma Connect: https://connect.visma.com)' })
      .optional(),
    FIXTURES: z.string().min(1).optional(),
    STORE: oneOf('STORE', ['memory', 'redis'], DEFAULTS.STORE),
    REDIS_URL: url('REDIS_URL', ['redis:', 'rediss:']).default(DEFAULTS.REDIS_URL),
    REDIS_PREFIX: z
      .string()
      .regex(/^[\w:.-]{1,64}$/, { error: 'REDIS_PREFIX must be 1 to 64 letters, digits or _ : . -' })
      .default(DEFAULTS.REDIS_PREFIX),
    MAIL: oneOf('MAIL', ['embedded', 'smtp'], DEFAULTS.MAIL),
    SMTP_URL: url('SMTP_URL', ['smtp:', 'smtps:']).default(DEFAULTS.SMTP_URL),
    SMTP_PORT: port('SMTP_PORT', DEFAULTS.SMTP_PORT),
    MAIL_API_PORT: port('MAIL_API_PORT', DEFAULTS.MAIL_API_PORT),
    PUBLIC_API_PORT: port('PUBLIC_API_PORT', DEFAULTS.PUBLIC_API_PORT),
    MAIL_API_CORS_ORIGIN: z
      .string()
      .refine(
        (value) => {
          try {
            const url = new URL(value);
            return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
          } catch {
            return false;
          }
        },
        { error: 'MAIL_API_CORS_ORIGIN must be one origin, scheme, host and port only, such as http://localhost:3000 (not *: any page could read the mail)' },
      )
      .optional(),
    CONTROL_TOKEN: z.string().min(1).optional(),
    LOG_LEVEL: oneOf('LOG_LEVEL', ['silent', 'error', 'warn', 'info', 'debug'], DEFAULTS.LOG_LEVEL),
    SIGNING_KEYS: z.string().min(1).optional(),
    COOKIE_KEYS: z.string().min(1).optional(),
    TRUST_PROXY: z.enum(['true', 'false', '1', '0'], { error: 'TRUST_PROXY must be true or false' }).default(DEFAULTS.TRUST_PROXY),
    MAIL_RETRY_SECONDS: z.coerce.number({ error: 'MAIL_RETRY_SECONDS must be a number of seconds above 0' }).positive({ error: 'MAIL_RETRY_SECONDS must be a number of seconds above 0' }).default(DEFAULTS.MAIL_RETRY_SECONDS),
    PASSWORD_HASH_COST: z.coerce
      .number({ error: 'PASSWORD_HASH_COST must be a whole number from 1 to 20 (scrypt N = 2^cost)' })
      .int({ error: 'PASSWORD_HASH_COST must be a whole number from 1 to 20 (scrypt N = 2^cost)' })
      .min(1, { error: 'PASSWORD_HASH_COST must be a whole number from 1 to 20 (scrypt N = 2^cost)' })
      .max(20, { error: 'PASSWORD_HASH_COST must be a whole number from 1 to 20 (scrypt N = 2^cost)' })
      .default(DEFAULTS.PASSWORD_HASH_COST),
  }),
);

/** The environment variables that are settings. */
export const settingNames = (): string[] => Object.keys(settingsSchema().shape);

export type RawSettings = z.infer<ReturnType<typeof settingsSchema>>;

export interface Settings {
  port: number;
  host: string;
  /** Absent: `http://localhost:<the port actually bound>`. */
  issuer: string | undefined;
  fixturesPath: string | undefined;
  store: 'memory' | 'redis';
  redisUrl: string;
  /** Every key of this emulator starts with it, so emulators can share one Redis. */
  redisPrefix: string;
  mail: 'embedded' | 'smtp';
  smtpUrl: string;
  smtpPort: number;
  mailApiPort: number;
  /** The Visma Connect Public API's own listener (on HOST, like the main one). */
  publicApiPort: number;
  /** The one origin whose pages may read the embedded MailHog API (CORS); none by default. */
  mailApiCorsOrigin: string | undefined;
  /** How often mails waiting in the outbox are retried. */
  mailRetrySeconds: number;
  controlToken: string | undefined;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  signingKeysPath: string | undefined;
  cookieKeys: string[] | undefined;
  /** Take the client address from X-Forwarded-For (behind a proxy); otherwise the socket address. */
  trustProxy: boolean;
  passwordHashCost: number;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Flags win over the environment; the result is validated as one object so every problem is named. */
export function readSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const flags = parseFlags(argv);
  const raw: Record<string, string | undefined> = {};
  for (const key of settingNames()) raw[key] = emptyToUndefined(env[key]);
  for (const [flag, key] of Object.entries(FLAGS)) {
    const value = flags[flag];
    if (value !== undefined) raw[key] = value;
  }
  const parsed = settingsSchema().safeParse(raw, { jitless: true }); // once per start: zod's compiled fast path would cost more than it saves
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]);
    throw new SettingsError(`${key}=${JSON.stringify(raw[key] ?? '')} is not valid: ${issue.message}`);
  }
  return toSettings(parsed.data);
}

function toSettings(raw: RawSettings): Settings {
  return {
    port: raw.PORT,
    host: raw.HOST,
    issuer: raw.ISSUER,
    fixturesPath: raw.FIXTURES,
    store: raw.STORE,
    redisUrl: raw.REDIS_URL,
    redisPrefix: raw.REDIS_PREFIX,
    mail: raw.MAIL,
    smtpUrl: raw.SMTP_URL,
    smtpPort: raw.SMTP_PORT,
    mailApiPort: raw.MAIL_API_PORT,
    publicApiPort: raw.PUBLIC_API_PORT,
    mailApiCorsOrigin: raw.MAIL_API_CORS_ORIGIN,
    mailRetrySeconds: raw.MAIL_RETRY_SECONDS,
    controlToken: raw.CONTROL_TOKEN,
    logLevel: raw.LOG_LEVEL,
    signingKeysPath: raw.SIGNING_KEYS,
    cookieKeys: raw.COOKIE_KEYS?.split(',')
      .map((key) => key.trim())
      .filter(Boolean),
    trustProxy: raw.TRUST_PROXY === 'true' || raw.TRUST_PROXY === '1',
    passwordHashCost: raw.PASSWORD_HASH_COST,
  };
}

/** The embedded defaults, with overrides: what tests and the testing library start from. */
export function defaultSettings(overrides: Partial<Settings> = {}): Settings {
  return { ...toSettings(DEFAULTS), ...overrides };
}

/** Each setting's environment variable, for overrides checked by the environment's rules. */
const ENVIRONMENT_NAMES: { [K in keyof Settings]-?: keyof RawSettings } = {
  port: 'PORT',
  host: 'HOST',
  issuer: 'ISSUER',
  fixturesPath: 'FIXTURES',
  store: 'STORE',
  redisUrl: 'REDIS_URL',
  redisPrefix: 'REDIS_PREFIX',
  mail: 'MAIL',
  smtpUrl: 'SMTP_URL',
  smtpPort: 'SMTP_PORT',
  mailApiPort: 'MAIL_API_PORT',
  publicApiPort: 'PUBLIC_API_PORT',
  mailApiCorsOrigin: 'MAIL_API_CORS_ORIGIN',
  mailRetrySeconds: 'MAIL_RETRY_SECONDS',
  controlToken: 'CONTROL_TOKEN',
  logLevel: 'LOG_LEVEL',
  signingKeysPath: 'SIGNING_KEYS',
  cookieKeys: 'COOKIE_KEYS',
  trustProxy: 'TRUST_PROXY',
  passwordHashCost: 'PASSWORD_HASH_COST',
};

/**
 * What is wrong with overrides of the settings (the testing library's `settings`), by the rules the
 * environment's values follow and of the type each setting has (a port is a number, not "5080"): the
 * first problem, naming `settings.<name>`, or undefined.
 */
export function settingsOverrideProblem(overrides: Record<string, unknown>): string | undefined {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(overrides)) {
    const variable = ENVIRONMENT_NAMES[name as keyof Settings] as string | undefined;
    if (variable === undefined) return `no setting ${JSON.stringify(name)} (the settings are ${Object.keys(ENVIRONMENT_NAMES).join(', ')})`;
    if (value !== undefined) raw[variable] = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : JSON.stringify(value);
  }
  const nameOf = (variable: string) => Object.entries(ENVIRONMENT_NAMES).find(([, env]) => env === variable)![0];
  const parsed = settingsSchema().safeParse(raw, { jitless: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    const name = nameOf(variable);
    const rule = issue.message.startsWith(`${variable} `) ? issue.message.slice(variable.length + 1) : `is not valid (${issue.message})`;
    return `settings.${name} ${rule}, not ${shownValue(overrides[name])}`;
  }
  const read = toSettings(parsed.data) as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(overrides)) {
    const kind = Array.isArray(read[name]) ? 'list' : typeof read[name];
    if (value !== undefined && (Array.isArray(value) ? 'list' : typeof value) !== kind) return `settings.${name} must be a ${kind}, not ${shownValue(value)}`;
  }
  return undefined;
}

function parseFlags(argv: string[]): Record<string, string | undefined> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    const accepted = Object.keys(FLAGS)
      .map((flag) => `--${flag}`)
      .join(', ');
    throw new SettingsError(`${(error as Error).message}. Accepted flags: ${accepted}`);
  }
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
