import type { Settings } from '../config/index.js';

/**
 * What the testing library accepts, checked before anything starts: a JavaScript caller (or a typo
 * such as `fixture:`) must hear what is wrong, not get an emulator on the demo fixtures.
 */
type Kind = 'port' | 'string' | 'boolean' | 'positive number' | 'list of strings';

const SETTING_KINDS: { [K in keyof Settings]-?: { kind: Kind; values?: readonly string[]; optional?: true } } = {
  port: { kind: 'port' },
  host: { kind: 'string' },
  issuer: { kind: 'string', optional: true },
  fixturesPath: { kind: 'string', optional: true },
  store: { kind: 'string', values: ['memory', 'redis'] },
  redisUrl: { kind: 'string' },
  redisPrefix: { kind: 'string' },
  mail: { kind: 'string', values: ['embedded', 'smtp'] },
  smtpUrl: { kind: 'string' },
  smtpPort: { kind: 'port' },
  mailApiPort: { kind: 'port' },
  publicApiPort: { kind: 'port' },
  mailApiCorsOrigin: { kind: 'string', optional: true },
  mailRetrySeconds: { kind: 'positive number' },
  controlToken: { kind: 'string', optional: true },
  logLevel: { kind: 'string', values: ['silent', 'error', 'warn', 'info', 'debug'] },
  signingKeysPath: { kind: 'string', optional: true },
  cookieKeys: { kind: 'list of strings', optional: true },
  trustProxy: { kind: 'boolean' },
  passwordHashCost: { kind: 'positive number' },
};

const IS_KIND: Record<Kind, (value: unknown) => boolean> = {
  port: (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535,
  string: (value) => typeof value === 'string' && value !== '',
  boolean: (value) => typeof value === 'boolean',
  'positive number': (value) => typeof value === 'number' && Number.isFinite(value) && value > 0,
  'list of strings': (value) => Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item !== ''),
};

const KIND_NAMES: Record<Kind, string> = {
  port: 'a port number from 0 to 65535',
  string: 'a non-empty string',
  boolean: 'true or false',
  'positive number': 'a number above 0',
  'list of strings': 'a non-empty list of non-empty strings',
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object' || typeof value === 'function') return `a${typeof value === 'object' ? 'n object' : ' function'}`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  return `a ${typeof value}`;
}

/** Throws a TypeError naming the first option that is not what `call` accepts; `known`: the option names it takes. */
export function checkOptions(call: string, options: unknown, known: readonly string[]): asserts options is Record<string, unknown> {
  if (!isRecord(options)) throw new TypeError(`${call}: the options must be an object, not ${shown(options)}`);
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new TypeError(`${call}: no option ${unknown.map((key) => JSON.stringify(key)).join(', ')} (the options are ${known.join(', ')})`);
  const { fixtures } = options;
  if (fixtures !== undefined && !isRecord(fixtures) && !(typeof fixtures === 'string' && fixtures !== '')) {
    throw new TypeError(`${call}: fixtures must be a fixture object or the path of a fixture file, not ${shown(fixtures)}`);
  }
}

/** Throws a TypeError naming the first setting that is unknown or of the wrong kind. */
export function checkSettings(call: string, settings: unknown): asserts settings is Partial<Settings> | undefined {
  if (settings === undefined) return;
  if (!isRecord(settings)) throw new TypeError(`${call}: settings must be an object, not ${shown(settings)}`);
  for (const [name, value] of Object.entries(settings)) {
    const expected = (SETTING_KINDS as Record<string, { kind: Kind; values?: readonly string[]; optional?: true }>)[name];
    if (expected === undefined) throw new TypeError(`${call}: no setting ${JSON.stringify(name)} (the settings are ${Object.keys(SETTING_KINDS).join(', ')})`);
    if (value === undefined && expected.optional) continue;
    const fits = IS_KIND[expected.kind](value) && (expected.values === undefined || expected.values.includes(value as string));
    if (!fits) {
      const wanted = expected.values === undefined ? KIND_NAMES[expected.kind] : `one of ${expected.values.join(', ')}`;
      throw new TypeError(`${call}: settings.${name} must be ${wanted}, not ${shown(value)}`);
    }
  }
}
