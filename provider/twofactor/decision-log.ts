import type { Logger } from '../http/index.js';
import type { Decision, PolicyInput } from '../policy/index.js';
import type { Store } from '../store/index.js';

/** Where in a sign-in the decision was taken: after the password, after a passkey, at an authorization with a session, or asked for. */
export type DecisionStage = 'password' | 'passkey' | 'authorize' | 'explain';

/**
 * The sign-in a decision belongs to: its authorization request's `state` and `nonce` (the nonce comes
 * back in the ID token), and the interaction (the login pages at /interaction/<id>) when it has one.
 */
export interface SignInReference {
  interaction?: string;
  /** The session's id, for a decision taken at authorize for a signed-in session (single sign-on). */
  session?: string;
  state?: string;
  nonce?: string;
}

export interface LoggedDecision extends Decision {
  at: string;
  stage: DecisionStage;
  email: string;
  clientId: string;
  signIn: SignInReference;
  input: Omit<PolicyInput, 'now'>;
}

const KEY = 'decisions';
const KEEP = 1000;

/** The newest thousand decisions, for `GET /_mock/decisions`; each is also logged with its rule. */
export class DecisionLog {
  readonly #store: Store;
  readonly #logger: Logger;

  constructor(store: Store, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  async record(entry: LoggedDecision): Promise<void> {
    this.#logger.info(`2fa ${entry.stage} ${entry.email} on ${entry.clientId}: ${entry.outcome} (rule ${entry.rule}: ${entry.reason})`);
    if (entry.stage !== 'explain') await this.#store.appendToList(KEY, entry, KEEP);
  }

  list(): Promise<LoggedDecision[]> {
    return this.#store.readList<LoggedDecision>(KEY);
  }
}
