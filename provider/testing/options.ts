import type { Settings } from '../config/index.js';
import { shownValue } from '../config/shown-value.js';

/**
 * What the testing library accepts, checked before anything starts: a JavaScript caller (or a typo
 * such as `fixture:`) must hear what is wrong, not get an emulator on the demo fixtures.
 */
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Throws a TypeError naming the first option that is not what `call` accepts; `known`: the option names it takes. */
export function checkOptions(call: string, options: unknown, known: readonly string[]): asserts options is Record<string, unknown> {
  if (!isRecord(options)) throw new TypeError(`${call}: the options must be an object, not ${shownValue(options)}`);
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new TypeError(`${call}: no option ${unknown.map((key) => JSON.stringify(key)).join(', ')} (the options are ${known.join(', ')})`);
  const { fixtures } = options;
  if (fixtures !== undefined && !isRecord(fixtures) && !(typeof fixtures === 'string' && fixtures !== '')) {
    throw new TypeError(`${call}: fixtures must be a fixture object or the path of a fixture file, not ${shownValue(fixtures)}`);
  }
}

/**
 * Throws a TypeError naming the first setting that is unknown, of the wrong type or breaks the rule its
 * environment variable has (`problemOf`: the emulator's own check, loaded with it).
 */
export function checkSettings(call: string, settings: unknown, problemOf: (overrides: Record<string, unknown>) => string | undefined): asserts settings is Partial<Settings> | undefined {
  if (settings === undefined) return;
  if (!isRecord(settings)) throw new TypeError(`${call}: settings must be an object, not ${shownValue(settings)}`);
  const problem = problemOf(settings);
  if (problem !== undefined) throw new TypeError(`${call}: ${problem}`);
}
