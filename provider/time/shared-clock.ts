import type { Store } from '../store/index.js';
import { assertInClockRange, clock } from './clock.js';

const KEY = 'clock-offset';

/**
 * The clock's offset lives in the store, so replicas sharing a Redis see one time: every request
 * takes the offset from the store before anything reads the clock, and a move writes it back.
 * A move beyond CLOCK_RANGE throws ClockRangeError and changes nothing.
 */
export class SharedClock {
  constructor(private readonly store: Store) {}

  async sync(): Promise<void> {
    clock.setOffsetMs((await this.store.get<number>(KEY)) ?? 0);
  }

  /** Moves on from the offset in the store, so concurrent moves (from any replica) add up. */
  async advance(seconds: number): Promise<void> {
    const realNowMs = clock.nowMs() - clock.offsetMs;
    const offset = await this.store.update<number>(KEY, (current) => {
      const next = (current ?? 0) + seconds * 1000;
      assertInClockRange(realNowMs + next);
      return next;
    });
    clock.setOffsetMs(offset!);
  }

  async travelTo(epochMs: number): Promise<void> {
    assertInClockRange(epochMs);
    clock.travelTo(epochMs);
    await this.store.set(KEY, clock.offsetMs);
  }

  read() {
    return clock.read();
  }
}
