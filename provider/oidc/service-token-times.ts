import { decodeJwt } from 'jose';
import type { Store } from '../store/index.js';
import type { Clock } from '../time/index.js';

const key = (jti: string) => `service-token-offset:${jti}`;

/**
 * client_credentials tokens for our own APIs (the provisioning API, the Public API) are JWTs that
 * oidc-provider keeps no state for: their `iat`/`exp` are real time, for any resource server to check.
 * Our APIs check them on the emulator clock instead, seen from the frame the token was issued in: a token
 * issued while the clock was moved leaves the offset of that moment in the store (nothing is stored
 * while the clock shows real time, the usual case), and its `exp` is checked against the emulator's now
 * minus that offset. The record lasts until the token has expired on both clocks, so that once it has
 * lapsed, checking `exp` against the emulator's now refuses the token too.
 */
export class ServiceTokenTimes {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Called as oidc-provider signs a service token (`formats.customizers.jwt`). */
  async issued(jti: unknown, lifetimeSeconds: number): Promise<void> {
    const offsetMs = this.clock.offsetMs;
    if (offsetMs === 0 || typeof jti !== 'string') return;
    await this.store.set(key(jti), offsetMs, Math.max(1, lifetimeSeconds + Math.max(0, Math.ceil(-offsetMs / 1000))));
  }

  /** The instant to check `token`'s `exp` and `nbf` at (jose's `currentDate`). */
  async checkingDate(token: string): Promise<Date> {
    const offsetMs = (await this.store.get<number>(key(jtiOf(token)))) ?? 0;
    return new Date(this.clock.nowMs() - offsetMs);
  }
}

function jtiOf(token: string): string {
  try {
    const { jti } = decodeJwt(token);
    return typeof jti === 'string' ? jti : '';
  } catch {
    return '';
  }
}
