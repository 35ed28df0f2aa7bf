import { CachedRead, type Store } from '../store/index.js';
import { assertInClockRange, realTime, type Clock, type ClockReading } from './clock.js';

const KEY = 'clock-offset';

/**
 * The clock's offset lives in the store, so replicas sharing a Redis show one time. `sync` (run before
 * each request) brings this emulator's Clock up to date from a cached read: the store is read again only
 * after a move or a reset announced itself (in this process, or from another replica over pub/sub).
 * A move beyond CLOCK_RANGE throws ClockRangeError and changes nothing.
 */
export class SharedClock {
  readonly #offset: CachedRead<number>;

  constructor(
    readonly clock: Clock,
    private readonly store: Store,
  ) {
    this.#offset = new CachedRead(store, KEY, async () => (await store.get<number>(KEY)) ?? 0);
  }

  async sync(): Promise<void> {
    this.clock.setOffsetMs(await this.#offset.get());
  }

  /** Reads the store whatever is cached: for the control plane, which shows and moves the clock. */
  async refresh(): Promise<void> {
    this.clock.setOffsetMs(await this.#offset.refresh());
  }

  /** Moves on from the offset in the store, so concurrent moves (from any replica) add up. */
  async advance(seconds: number): Promise<void> {
    const realNowMs = realTime.nowMs();
    const offset = await this.store.update<number>(KEY, (current) => {
      const next = (current ?? 0) + seconds * 1000;
      assertInClockRange(realNowMs + next);
      return next;
    });
    await this.#moved(offset!);
  }

  async travelTo(epochMs: number): Promise<void> {
    assertInClockRange(epochMs);
    const offset = epochMs - realTime.nowMs();
    await this.store.set(KEY, offset);
    await this.#moved(offset);
  }

  /** Back to real time (a reset; the store may have been cleared already). */
  async reset(): Promise<void> {
    await this.store.delete(KEY);
    await this.#moved(0);
  }

  read(): ClockReading {
    return this.clock.read();
  }

  async #moved(offsetMs: number): Promise<void> {
    this.clock.setOffsetMs(offsetMs);
    await this.#offset.changed();
  }
}
