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

  async advance(seconds: number): Promise<void> {
    await this.sync();
    assertInClockRange(clock.nowMs() + seconds * 1000);
    clock.advance(seconds);
    await this.store.set(KEY, clock.offsetMs);
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
