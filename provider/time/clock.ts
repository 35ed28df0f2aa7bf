/**
 * The emulator's clock: real time plus an offset that tests move (`POST /_mock/clock`). It is an object
 * each emulator owns and hands to what needs time (`deps.clock`); nothing here touches the process's
 * `Date`, so oidc-provider, jose, the cookie library and the host of an in-process emulator keep real
 * time. Codes, links, lockouts, sessions and the state behind tokens follow this clock: the oidc adapter
 * moves oidc-provider's times between the two frames (see store/oidc-adapter.ts and README "The clock").
 */
export interface ClockReading {
  /** Emulator time, epoch seconds. */
  now: number;
  iso: string;
  offsetSeconds: number;
}

/**
 * The instants the clock can show: from the Unix epoch to the end of year 9999. Beyond them dates
 * stop being four-digit ISO 8601 years (or dates at all: `toISOString` throws), and token times negative.
 */
const CLOCK_RANGE = { earliestMs: 0, latestMs: Date.UTC(9999, 11, 31, 23, 59, 59, 999) } as const;

export class ClockRangeError extends Error {
  override name = 'ClockRangeError';

  constructor() {
    super(`the clock shows instants from ${new Date(CLOCK_RANGE.earliestMs).toISOString()} to ${new Date(CLOCK_RANGE.latestMs).toISOString()} only`);
  }
}

/** Throws ClockRangeError, changing nothing, for an instant outside CLOCK_RANGE. */
export function assertInClockRange(epochMs: number): void {
  if (!(epochMs >= CLOCK_RANGE.earliestMs && epochMs <= CLOCK_RANGE.latestMs)) throw new ClockRangeError();
}

/** Real time: what oidc-provider, relying parties and browsers live on. For code in oidc-provider's frame only. */
export const realTime = {
  nowMs: (): number => Date.now(),
  nowSeconds: (): number => Math.floor(Date.now() / 1000),
};

export class Clock {
  #offsetMs = 0;

  /** Emulator time, epoch milliseconds. */
  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Emulator time, epoch seconds (what every stored time of ours is in). */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** How far the emulator clock is ahead of real time (negative: behind). */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Epoch seconds of real time (oidc-provider's frame) as the emulator clock shows that instant now. */
  toEmulatorSeconds(realSeconds: number): number {
    return realSeconds + Math.round(this.#offsetMs / 1000);
  }

  /** Epoch seconds of the emulator clock as real time (oidc-provider's frame) shows that instant now. */
  toRealSeconds(emulatorSeconds: number): number {
    return emulatorSeconds - Math.round(this.#offsetMs / 1000);
  }

  read(): ClockReading {
    const now = this.nowMs();
    return { now: Math.floor(now / 1000), iso: new Date(now).toISOString(), offsetSeconds: this.#offsetMs / 1000 };
  }

  /** Moves the clock in this object only; SharedClock moves it for every replica and calls this. */
  setOffsetMs(offsetMs: number): void {
    this.#offsetMs = offsetMs;
  }
}
