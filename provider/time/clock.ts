/**
 * The one clock of the emulator. Codes, links, lockouts, sessions and every token oidc-provider
 * issues or checks must move together when a test travels in time, and oidc-provider (like jose and
 * the cookie library) reads `Date.now()` and `new Date()` directly. So the clock is an offset applied
 * to the process-wide `Date`: installing it once makes every reader agree without patching libraries.
 */
const RealDate = Date;
let offsetMs = 0;
let installed = false;

/**
 * The instants the clock can show: from the Unix epoch to the end of year 9999. Beyond them dates
 * stop being four-digit ISO 8601 years (or dates at all: `toISOString` throws), and token times negative.
 */
export const CLOCK_RANGE = { earliestMs: 0, latestMs: RealDate.UTC(9999, 11, 31, 23, 59, 59, 999) } as const;

export class ClockRangeError extends Error {
  override name = 'ClockRangeError';

  constructor() {
    super(`the clock shows instants from ${new RealDate(CLOCK_RANGE.earliestMs).toISOString()} to ${new RealDate(CLOCK_RANGE.latestMs).toISOString()} only`);
  }
}

/** Throws ClockRangeError, changing nothing, for an instant outside CLOCK_RANGE. */
export function assertInClockRange(epochMs: number): void {
  if (!(epochMs >= CLOCK_RANGE.earliestMs && epochMs <= CLOCK_RANGE.latestMs)) throw new ClockRangeError();
}

class ShiftedDate extends RealDate {
  constructor(...args: ConstructorParameters<DateConstructor> | []) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }

  static override now(): number {
    return RealDate.now() + offsetMs;
  }
}

function install(): void {
  if (installed) return;
  globalThis.Date = ShiftedDate as DateConstructor;
  installed = true;
}

export interface ClockReading {
  now: number;
  iso: string;
  offsetSeconds: number;
}

export const clock = {
  install,
  nowMs: (): number => RealDate.now() + offsetMs,
  nowSeconds: (): number => Math.floor((RealDate.now() + offsetMs) / 1000),
  get offsetMs(): number {
    return offsetMs;
  },
  /** Sets the offset directly: a shared store replays another replica's offset through this. */
  setOffsetMs(value: number): void {
    offsetMs = value;
  },
  advance(seconds: number): void {
    offsetMs += seconds * 1000;
  },
  travelTo(epochMs: number): void {
    offsetMs = epochMs - RealDate.now();
  },
  reset(): void {
    offsetMs = 0;
  },
  read(): ClockReading {
    const now = RealDate.now() + offsetMs;
    return { now: Math.floor(now / 1000), iso: new RealDate(now).toISOString(), offsetSeconds: offsetMs / 1000 };
  },
};

export type Clock = typeof clock;
