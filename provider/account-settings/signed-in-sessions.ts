import { VISMA_FACTS } from '../config/index.js';
import type { Store } from '../store/index.js';

const key = (sessionUid: string) => `account-settings:signed-in:${sessionUid}`;

/**
 * The sessions that finished Account Settings' own sign-in: its authorization code came back to its
 * callback, for the session's account. A session only authorized for it (oidc-provider records that
 * when the authorization request starts, before any 2FA asked for) does not count. Kept for as long as
 * a session can last.
 */
export class AccountSettingsSessions {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async signedIn(sessionUid: string, accountId: string): Promise<void> {
    await this.#store.set(key(sessionUid), accountId, VISMA_FACTS.session.seconds);
  }

  async isSignedIn(sessionUid: string, accountId: string): Promise<boolean> {
    return (await this.#store.get<string>(key(sessionUid))) === accountId;
  }
}
