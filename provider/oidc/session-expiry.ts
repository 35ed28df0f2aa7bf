import type { Middleware } from 'koa';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { storeKey, type Store } from '../store/index.js';
import type { Clock } from '../time/index.js';

const BUCKET_SECONDS = 60;
/** How long after its end a session is still remembered for its logout, should no sweep run before. */
const REMEMBER_AFTER_END_SECONDS = 30 * 24 * 60 * 60;

const recordKey = (sessionId: string) => storeKey('session-end:', sessionId);
const bucketKey = (bucket: number) => `session-end:bucket:${bucket}`;
const BUCKETS_KEY = 'session-end:buckets';

/** A signed-in session as its end needs it: when (emulator clock), who, and the sid each client got. */
export interface EndingSession {
  endsAt: number;
  accountId: string;
  sids: Record<string, string>;
}

/**
 * Visma Connect ends a session 10 hours after sign-in and then sends a back-channel logout to every
 * app of the session that has a back-channel logout URI. oidc-provider lets an expired session lapse
 * silently, so the end of every signed-in session is kept in the store, in one-minute buckets, and a
 * sweep hands the ended ones to `notify`.
 *
 * Everything is in the Store, so it works on memory and Redis, and across replicas: each sweep reads
 * the due buckets, and `take` gives each ended session to exactly one replica. Time is the emulator
 * clock: a sweep runs on the first request once 5 emulator seconds have passed since the last one (so
 * moving the clock past the end triggers it on the next request, which answers once the logout tokens
 * are sent) and, for an emulator no one calls, every 30 s of real time.
 */
export class SessionExpiry {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sessionSeconds: number,
    private readonly notify: (session: EndingSession) => Promise<void>,
  ) {}

  /** Called when oidc-provider saves a session (its `loginTs` on real time, as oidc-provider sees it). */
  async track(sessionId: string, payload: AdapterPayload): Promise<void> {
    const { accountId, loginTs, authorizations } = payload as AdapterPayload & { loginTs?: number; authorizations?: Record<string, { sid?: string }> };
    if (typeof accountId !== 'string' || typeof loginTs !== 'number') return;
    const sids = Object.fromEntries(Object.entries(authorizations ?? {}).flatMap(([clientId, { sid }]) => (sid ? [[clientId, sid]] : [])));
    await this.#remember(sessionId, { endsAt: this.clock.toEmulatorSeconds(loginTs) + this.sessionSeconds, accountId, sids });
  }

  async #remember(sessionId: string, session: EndingSession): Promise<void> {
    const ttl = Math.max(1, session.endsAt - this.clock.nowSeconds() + REMEMBER_AFTER_END_SECONDS);
    const bucket = Math.floor(session.endsAt / BUCKET_SECONDS);
    // Together: a bucket is swept only once due, and a session being saved ends in the future.
    await Promise.all([this.store.set(recordKey(sessionId), session, ttl), this.store.addToSet(bucketKey(bucket), sessionId, ttl), this.store.addToSet(BUCKETS_KEY, String(bucket), ttl)]);
  }

  /** Called when oidc-provider destroys a session (sign-out, a new session id): it ends without notice. */
  async forget(sessionId: string): Promise<void> {
    await this.store.delete(recordKey(sessionId));
  }

  /**
   * Claims every session that has ended and notifies for each; resolves when the notices are sent, so
   * the request that found them answers after its apps heard (failures go to `onError`).
   */
  async sweep(onError: (error: Error) => void): Promise<void> {
    const now = this.clock.nowSeconds();
    const due = (await this.store.setMembers(BUCKETS_KEY)).map(Number).filter((bucket) => bucket * BUCKET_SECONDS <= now);
    const notices: Promise<void>[] = [];
    for (const bucket of due) {
      for (const sessionId of await this.store.setMembers(bucketKey(bucket))) {
        const ended = await this.#claim(sessionId, bucket, now);
        if (ended) notices.push(this.notify(ended).catch(onError));
      }
      if ((bucket + 1) * BUCKET_SECONDS <= now) {
        await this.store.delete(bucketKey(bucket));
        await this.store.removeFromSet(BUCKETS_KEY, String(bucket));
      }
    }
    await Promise.all(notices);
  }

  async #claim(sessionId: string, bucket: number, now: number): Promise<EndingSession | undefined> {
    const record = await this.store.get<EndingSession>(recordKey(sessionId));
    // Gone (signed out) or moved to a later bucket (signed in again): nothing for this bucket.
    if (!record || Math.floor(record.endsAt / BUCKET_SECONDS) !== bucket) {
      await this.store.removeFromSet(bucketKey(bucket), sessionId);
      return undefined;
    }
    if (record.endsAt > now) return undefined;
    const ended = await this.store.take<EndingSession>(recordKey(sessionId));
    await this.store.removeFromSet(bucketKey(bucket), sessionId);
    if (ended && ended.endsAt > now) {
      // Signed in again between the read and the take: that session goes on.
      await this.#remember(sessionId, ended);
      return undefined;
    }
    return ended;
  }

  /** The adapter class, tracking sessions as oidc-provider saves and destroys them. */
  trackingAdapter(Base: new (model: string) => Adapter): new (model: string) => Adapter {
    const track = (id: string, payload: AdapterPayload) => this.track(id, payload);
    const forget = (id: string) => this.forget(id);
    return class SessionTrackingAdapter extends Base {
      readonly #tracked: boolean;

      constructor(model: string) {
        super(model);
        this.#tracked = model === 'Session';
      }

      override async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
        await super.upsert(id, payload, expiresIn);
        if (this.#tracked) await track(id, payload);
      }

      override async destroy(id: string): Promise<void> {
        await super.destroy(id);
        if (this.#tracked) await forget(id);
      }
    };
  }

  /** The request-driven sweep, at most once per 5 emulator seconds per replica. */
  sweepOnRequests(onError: (error: Error) => void): Middleware {
    let lastSweep = Number.NEGATIVE_INFINITY;
    return async (_ctx, next) => {
      const now = this.clock.nowSeconds();
      if (now - lastSweep >= 5 || now < lastSweep) {
        lastSweep = now;
        await this.sweep(onError).catch(onError);
      }
      await next();
    };
  }

  /** The real-time sweep, after `syncClock` (no request brought the clock up to date); returns the function that stops it. */
  sweepEvery(milliseconds: number, onError: (error: Error) => void, syncClock: () => Promise<void>): () => void {
    const timer = setInterval(
      () =>
        void syncClock()
          .then(() => this.sweep(onError))
          .catch(onError),
      milliseconds,
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}
