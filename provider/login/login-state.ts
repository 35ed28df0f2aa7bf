import type { Store } from '../store/index.js';

/** What the login steps learned so far for one interaction (the e-mail from the identifier page). */
export interface LoginState {
  email: string;
}

const INTERACTION_SECONDS = 60 * 60;
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
