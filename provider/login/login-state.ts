import type { SecondFactor } from '../accounts/index.js';
import { VISMA_FACTS } from '../config/index.js';
import type { Decision } from '../policy/index.js';
import type { Store } from '../store/index.js';

/** What the login steps know so far for one interaction. */
export interface LoginState {
  /** From the identifier page, or the signed-in session. */
  email: string;
  /** Set once the user is known: after the password, or from the session for a step-up. */
  sub?: string;
  /** The 2FA decision that sent the user on from the password (or straight from the session). */
  decision?: Decision;
  /** Signed in with the emergency code and said the authenticator is lost: the wizard replaces it. */
  replacingAuthenticator?: boolean;
  /** An emergency code to show once before the sign-in completes. */
  emergencyCode?: { code: string; afterUse: boolean };
  rememberDevice?: boolean;
  /** How the user proved who they are before any second factor: a password, a mailed one-time link, or a passkey. */
  firstFactor?: FirstFactor;
  /** The second factor being used or set up when it is not a TOTP code: a security key. */
  secondFactor?: SecondFactor;
  /** The browser has a user-verifying platform authenticator: it may be offered a passkey after a password sign-in. */
  passkeyCapable?: boolean;
  /** A sign-in held at the passkey offer: how it completes once the offer is answered. */
  pendingCompletion?: { withTwoFactor: boolean; secondFactor: SecondFactor };
}

export type FirstFactor = 'pwd' | 'email' | 'pwdless';

const INTERACTION_SECONDS = VISMA_FACTS.tokens.interactionSeconds;
const key = (uid: string): string => `login:${uid}`;

export class LoginStates {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  get(uid: string): Promise<LoginState | undefined> {
    return this.#store.get<LoginState>(key(uid));
  }

  save(uid: string, state: LoginState): Promise<void> {
    return this.#store.set(key(uid), state, INTERACTION_SECONDS);
  }

  forget(uid: string): Promise<void> {
    return this.#store.delete(key(uid));
  }
}
