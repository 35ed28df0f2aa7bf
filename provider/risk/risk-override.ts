import type { Store } from '../store/index.js';

/** What `PUT /_mock/risk` says the next logins look like, until it is changed or reset. */
export interface RiskOverride {
  trustedNetwork?: boolean;
  clientIp?: string;
}

const KEY = 'risk-override';

export class RiskOverrides {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async get(): Promise<RiskOverride> {
    return (await this.#store.get<RiskOverride>(KEY)) ?? {};
  }

  async set(override: RiskOverride): Promise<void> {
    await this.#store.set(KEY, override);
  }
}
