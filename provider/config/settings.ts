import { parseArgs } from 'node:util';
import { shownValue } from './shown-value.js';
import { isUrlWith } from './url-with-protocol.js';

/** One setting's sources: a command-line flag (optional) and an environment variable. */
const FLAGS = {
  port: 'PORT',
  host: 'HOST',
  issuer: 'ISSUER',
  fixtures: 'FIXTURES',
  store: 'STORE',
  mail: 'MAIL',
} as const;

/**
 * One environment variable's rule, as data: what is wrong with a text given for it (undefined: nothing)
 * and the value it reads as. The environment, the flags and the testing library's overrides all go
 * through these, and no schema library has to load at start for them.
 */
interface Rule<T> {
  problem(text: string): string | undefined;
  read(text: string): T;
}

const asText = (text: string) => text;

const port = (): Rule<number> => ({
  problem: (text) => (text.trim() !== '' && Number.isInteger(Number(text)) && Number(text) >= 0 && Number(text) <= 65535 ? undefined : 'must be a port number from 0 to 65535'),
  read: Number,
});

const oneOf = <const T extends readonly string[]>(values: T, description = `one of ${values.join(', ')}`): Rule<T[number]> => ({
  problem: (text) => (values.includes(text) ? undefined : `must be ${description}`),
  read: asText,
});

const url = (protocols: readonly string[]): Rule<string> => ({
  problem: (text) => (isUrlWith(text, protocols) ? undefined : `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`),
  read: asText,
});

const text = (description: string, accepts: (text: string) => boolean = (given) => given !== ''): Rule<string> => ({
  problem: (given) => (accepts(given) ? undefined : `must be ${description}`),
  read: asText,
});

const number = (description: string, accepts: (value: number) => boolean): Rule<number> => ({
  problem: (given) => (given.trim() !== '' && accepts(Number(given)) ? undefined : `must be ${description}`),
  read: Number,
});

const issuer: Rule<string> = {
  problem: (given) => url(['http:', 'https:']).problem(given) ?? (given.endsWith('/') ? 'must not end with a slash (Visma Connect: https://connect.visma.com)' : undefined),
  read: asText,
};

const isOrigin = (given: string) => {
  try {
    const parsed = new URL(given);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === given;
  } catch {
    return false;
  }
};

/** Every setting's environment variable, its rule and its embedded default (none: unset), in the order problems are named. */
const SETTINGS = {
  PORT: { rule: port(), fallback: 5080 },
  HOST: { rule: text('a host name or IP address'), fallback: '127.0.0.1' },
  ISSUER: { rule: issuer, fallback: undefined },
  FIXTURES: { rule: text('the path of a fixture file'), fallback: undefined },
  STORE: { rule: oneOf(['memory', 'redis'] as const), fallback: 'memory' as const },
  REDIS_URL: { rule: url(['redis:', 'rediss:']), fallback: 'redis://127.0.0.1:6379' },
  REDIS_PREFIX: { rule: text('1 to 64 letters, digits or _ : . -', (given) => /^[\w:.-]{1,64}$/.test(given)), fallback: 'mvc:' },
  MAIL: { rule: oneOf(['embedded', 'smtp'] as const), fallback: 'embedded' as const },
  SMTP_URL: { rule: url(['smtp:', 'smtps:']), fallback: 'smtp://127.0.0.1:1025' },
  SMTP_PORT: { rule: port(), fallback: 1025 },
  MAIL_API_PORT: { rule: port(), fallback: 8025 },
  PUBLIC_API_PORT: { rule: port(), fallback: 5081 },
  MAIL_API_CORS_ORIGIN: {
    rule: text('one origin, scheme, host and port only, such as http://localhost:3000 (not *: any page could read the mail)', isOrigin),
    fallback: undefined,
  },
  CONTROL_TOKEN: { rule: text('a token'), fallback: undefined },
  LOG_LEVEL: { rule: oneOf(['silent', 'error', 'warn', 'info', 'debug'] as const), fallback: 'info' as const },
  SIGNING_KEYS: { rule: text('the path of a JWKS file'), fallback: undefined },
  COOKIE_KEYS: { rule: text('keys separated by commas'), fallback: undefined },
  TRUST_PROXY: { rule: oneOf(['true', 'false', '1', '0'] as const, 'true or false'), fallback: 'false' },
  MAIL_RETRY_SECONDS: { rule: number('a number of seconds above 0', (value) => Number.isFinite(value) && value > 0), fallback: 5 },
  PASSWORD_HASH_COST: { rule: number('a whole number from 1 to 20 (scrypt N = 2^cost)', (value) => Number.isInteger(value) && value >= 1 && value <= 20), fallback: 8 },
} satisfies Record<string, { rule: Rule<unknown>; fallback: unknown }>;

type Variable = keyof typeof SETTINGS;

/** The settings as the environment gives them, each read by its rule (or its default). */
type RawSettings = { [V in Variable]: ReturnType<(typeof SETTINGS)[V]['rule']['read']> | (typeof SETTINGS)[V]['fallback'] };

/** The environment variables that are settings. */
export const settingNames = (): string[] => Object.keys(SETTINGS);

const DEFAULTS = Object.fromEntries(Object.entries(SETTINGS).map(([variable, { fallback }]) => [variable, fallback])) as RawSettings;

/** The texts given (undefined: unset) read by their rules; throws a SettingsError naming the first that breaks its rule. */
function readRaw(texts: Partial<Record<Variable, string>>, problemOf: (variable: Variable, text: string, problem: string) => string): RawSettings {
  const raw: Record<string, unknown> = { ...DEFAULTS };
  for (const [variable, { rule }] of Object.entries(SETTINGS) as [Variable, { rule: Rule<unknown> }][]) {
    const given = texts[variable];
    if (given === undefined) continue;
    const problem = rule.problem(given);
    if (problem !== undefined) throw new SettingsError(problemOf(variable, given, problem));
    raw[variable] = rule.read(given);
  }
  return raw as RawSettings;
}

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

/** Flags win over the environment; the first value that breaks its rule is named. */
export function readSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  const flags = parseFlags(argv);
  const texts: Partial<Record<Variable, string>> = {};
  for (const variable of settingNames() as Variable[]) texts[variable] = emptyToUndefined(env[variable]);
  for (const [flag, variable] of Object.entries(FLAGS)) {
    const value = flags[flag];
    if (value !== undefined) texts[variable] = value;
  }
  return toSettings(readRaw(texts, (variable, given, problem) => `${variable}=${JSON.stringify(given)} is not valid: ${variable} ${problem}`));
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
const ENVIRONMENT_NAMES: { [K in keyof Settings]-?: Variable } = {
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

const kindOf = (value: unknown) => (Array.isArray(value) ? 'list' : typeof value);

/**
 * What is wrong with overrides of the settings (the testing library's `settings`), by the rules the
 * environment's values follow and of the type each setting has (a port is a number, not "5080"): the
 * first problem, naming `settings.<name>`, or undefined.
 */
export function settingsOverrideProblem(overrides: Record<string, unknown>): string | undefined {
  const texts: Partial<Record<Variable, string>> = {};
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(ENVIRONMENT_NAMES, name)) return `no setting ${JSON.stringify(name)} (the settings are ${Object.keys(ENVIRONMENT_NAMES).join(', ')})`;
    const variable = ENVIRONMENT_NAMES[name as keyof Settings];
    if (value === undefined) {
      const fallback = SETTINGS[variable].fallback;
      // undefined would stand in for the default: a missing host would listen on every interface.
      if (fallback !== undefined) return `settings.${name} must be given or left out (its default: ${JSON.stringify(fallback)}), not undefined`;
      continue;
    }
    if (Array.isArray(value) && !value.every((item) => typeof item === 'string' && item !== '' && !item.includes(','))) return `settings.${name} must be a list of non-empty texts without commas`;
    texts[variable] = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : JSON.stringify(value);
  }
  let read: Record<string, unknown>;
  try {
    read = toSettings(readRaw(texts, (variable, _given, problem) => `settings.${nameOf(variable)} ${problem}, not ${shownValue(overrides[nameOf(variable)])}`)) as unknown as Record<string, unknown>;
  } catch (error) {
    return (error as Error).message;
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value !== undefined && kindOf(value) !== kindOf(read[name])) return `settings.${name} must be a ${kindOf(read[name])}, not ${shownValue(value)}`;
  }
  return undefined;
}

const nameOf = (variable: Variable): string => Object.entries(ENVIRONMENT_NAMES).find(([, named]) => named === variable)![0];

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
