import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { VISMA_FACTS } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from '../time/index.js';

/** "Remember this device" lasts VISMA_FACTS.twoFactor.rememberedDeviceSeconds on the emulator clock. */
const REMEMBER_SECONDS = VISMA_FACTS.twoFactor.rememberedDeviceSeconds;
const DEVICE_COOKIE = 'mvc_device';

const key = (deviceId: string, sub: string) => `device:${deviceId}:${sub}`;
/** The devices a user remembered, so the control room can list them. */
const devicesOf = (sub: string) => `devices-of:${sub}`;

export interface RememberedDevice {
  deviceId: string;
  /** Epoch seconds. */
  rememberedAt: number;
}

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
    await this.#store.addToSet(devicesOf(sub), deviceId, REMEMBER_SECONDS);
  }

  /** The devices this user remembered that are still remembered, oldest first. */
  async rememberedBy(sub: string): Promise<RememberedDevice[]> {
    const devices = await Promise.all(
      (await this.#store.setMembers(devicesOf(sub))).map(async (deviceId) => {
        const entry = await this.#store.get<{ rememberedAt: number }>(key(deviceId, sub));
        return entry && { deviceId, rememberedAt: entry.rememberedAt };
      }),
    );
    return devices.filter((device) => device !== undefined).sort((a, b) => a.rememberedAt - b.rememberedAt);
  }
}
