import { CachedRead, type Store } from '../store/index.js';

/** What `PUT /_mock/risk` says the next logins look like, until it is changed or reset. */
export interface RiskOverride {
  trustedNetwork?: boolean;
  clientIp?: string;
}

const KEY = 'risk-override';

/** Every 2FA decision asks for the override: it is read once and kept until a change announces itself. */
export class RiskOverrides {
  readonly #store: Store;
  readonly #current: CachedRead<RiskOverride>;

  constructor(store: Store) {
    this.#store = store;
    this.#current = new CachedRead(store, KEY, async () => Object.freeze((await store.get<RiskOverride>(KEY)) ?? {}));
  }

  get(): Promise<RiskOverride> {
    return this.#current.get();
  }

  async set(override: RiskOverride): Promise<void> {
    await this.#store.set(KEY, override);
    await this.#current.changed();
  }
}
