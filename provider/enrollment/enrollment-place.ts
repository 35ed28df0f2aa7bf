import type { Context } from 'koa';
import type { Account, SecondFactor } from '../accounts/index.js';
import type { MessageKey } from '../i18n/index.js';

/** The wizard's pages that a place renders with its own frame (client name, form token, …). */
export type EnrollmentPage = 'enroll' | 'enroll-security-key' | 'emergency-code';

/** Who is setting up a second factor, as the place that sent them knows it. */
export interface Enrollee {
  account: Account;
  /** Names this enrollment's setup in the store: one per sign-in, or one per account in Account Settings. */
  setupKey: string;
  /** The wizard's own URL at this place: each method's page lives under it. */
  url: string;
  /** What the wizard's first line says: required, optional, or replacing a lost authenticator. */
  lead: MessageKey;
  /** Replacing a lost second factor: the ones the account had stop working once the new one is set up. */
  replacing?: boolean;
  /** Where "Remind me later" posts, when enrollment is optional here. */
  laterAction: string | undefined;
}

/**
 * Where the one enrollment wizard runs: a sign-in whose 2FA decision sent the user to enroll (or whose
 * user lost their authenticator), or Account Settings. The place says who enrolls, frames the pages,
 * and decides what follows the new emergency code.
 */
export interface EnrollmentPlace<E extends Enrollee = Enrollee> {
  /** The wizard's route, as the place's router spells it (`/interaction/:uid/enroll`). */
  readonly route: string;
  /** Who enrolls here; undefined when the place has already answered (sent the browser elsewhere). */
  enrollee(ctx: Context): Promise<E | undefined>;
  render(ctx: Context, enrollee: E, page: EnrollmentPage, data: Record<string, unknown>): Promise<void>;
  /** The second factor (`factor`: which kind) is set up and `emergencyCode` is the account's new one, not shown yet. */
  enrolled(ctx: Context, enrollee: E, emergencyCode: string, factor: SecondFactor): Promise<void>;
}
