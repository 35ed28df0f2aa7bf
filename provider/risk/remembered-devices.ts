import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { VISMA_FACTS } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from '../time/index.js';

/** "Remember this device" lasts VISMA_FACTS.twoFactor.rememberedDeviceSeconds on the emulator clock. */
const REMEMBER_SECONDS = VISMA_FACTS.twoFactor.rememberedDeviceSeconds;
const DEVICE_COOKIE = 'mvc_device';

const key = (deviceId: string, sub: string) => `device:${deviceId}:${sub}`;

/**
 * A signed cookie names the browser (one random id); the store remembers which users trusted it and
 * until when, so the server's clock, not the browser's, decides when it lapses.
 */
export class RememberedDevices {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  deviceId(ctx: Pick<Context, 'cookies'>): string | undefined {
    return ctx.cookies.get(DEVICE_COOKIE, { signed: true }) || undefined;
  }

  async isRemembered(deviceId: string | undefined, sub: string): Promise<boolean> {
    return deviceId !== undefined && (await this.#store.get(key(deviceId, sub))) !== undefined;
  }

  async remember(ctx: Pick<Context, 'cookies'>, sub: string): Promise<void> {
    const deviceId = this.deviceId(ctx) ?? randomBytes(18).toString('base64url');
    ctx.cookies.set(DEVICE_COOKIE, deviceId, { signed: true, httpOnly: true, sameSite: 'lax', maxAge: REMEMBER_SECONDS * 1000, overwrite: true });
    await this.#store.set(key(deviceId, sub), { rememberedAt: this.#clock.nowSeconds() }, REMEMBER_SECONDS);
  }
}
