import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Store } from '../store/index.js';
import { VISMA_FACTS } from '../config/index.js';
import type { Clock } from '../time/index.js';

/** The HRM's "Verifiera konto": a code or (from an admin) a link, each with its lifetime (VISMA_FACTS). */
const { codeDigits, codeSeconds, linkSeconds, maxWrongCodes, retentionSeconds } = VISMA_FACTS.emailVerification;

export type Delivery = 'code' | 'link';
export type VerificationStatus = 'pending' | 'verified' | 'expired';

export interface EmailVerification {
  id: string;
  email: string;
  delivery: Delivery;
  clientId: string;
  tenantId: string | undefined;
  locale: string;
  codeHash: string | undefined;
  linkToken: string | undefined;
  createdAt: number;
  expiresAt: number;
  verified: { userId: string; created: boolean } | undefined;
}

const key = (id: string) => `verification:${id}`;
const codeTriesKey = (id: string) => `verification-code-tries:${id}`;
const linkKey = (token: string) => `verification-link:${token}`;
const hashCode = (code: string) => createHash('sha256').update(code).digest('base64url');

export class EmailVerifications {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  statusOf(verification: EmailVerification): VerificationStatus {
    if (verification.verified) return 'verified';
    return this.#clock.nowSeconds() >= verification.expiresAt ? 'expired' : 'pending';
  }

  /** A new pending verification, with the secret (code or link token) to mail. */
  async start(request: { email: string; delivery: Delivery; clientId: string; tenantId: string | undefined; locale: string }): Promise<{ verification: EmailVerification; secret: string }> {
    const secret = request.delivery === 'code' ? String(randomInt(0, 10 ** codeDigits)).padStart(codeDigits, '0') : randomBytes(24).toString('base64url');
    const createdAt = this.#clock.nowSeconds();
    const verification: EmailVerification = {
      id: randomUUID(),
      ...request,
      codeHash: request.delivery === 'code' ? hashCode(secret) : undefined,
      linkToken: request.delivery === 'link' ? secret : undefined,
      createdAt,
      expiresAt: createdAt + (request.delivery === 'code' ? codeSeconds : linkSeconds),
      verified: undefined,
    };
    await this.save(verification);
    await this.#indexLink(verification);
    return { verification, secret };
  }

  /**
   * An expired link verification with a new link and lifetime, once: the old link stops naming it (of
   * concurrent renewals, one gets the new link). It keeps its id, which the app that started it polls.
   */
  async renew(verification: EmailVerification): Promise<{ verification: EmailVerification; secret: string } | undefined> {
    if (verification.linkToken === undefined || this.statusOf(verification) !== 'expired') return undefined;
    if ((await this.#store.take<string>(linkKey(verification.linkToken))) === undefined) return undefined;
    const secret = randomBytes(24).toString('base64url');
    const createdAt = this.#clock.nowSeconds();
    const renewed: EmailVerification = { ...verification, linkToken: secret, createdAt, expiresAt: createdAt + linkSeconds };
    await this.save(renewed);
    await this.#indexLink(renewed);
    return { verification: renewed, secret };
  }

  find(id: string): Promise<EmailVerification | undefined> {
    return this.#store.get<EmailVerification>(key(id));
  }

  async findByLink(token: string): Promise<EmailVerification | undefined> {
    const id = await this.#store.get<string>(linkKey(token));
    return id === undefined ? undefined : this.find(id);
  }

  /**
   * Checks a code against the one mailed, counting the try first: of any number of concurrent tries,
   * at most maxWrongCodes are checked. 'used-up' once that many were given.
   */
  async tryCode(verification: EmailVerification, code: string): Promise<'right' | 'wrong' | 'used-up'> {
    const tries = await this.#store.increment(codeTriesKey(verification.id), this.#ttl(verification), maxWrongCodes);
    if (tries === undefined) return 'used-up';
    return this.isItsCode(verification, code) ? 'right' : 'wrong';
  }

  /** Whether `code` is the one sent (no try counted): a verified verification answers again only to its own code. */
  isItsCode(verification: EmailVerification, code: string): boolean {
    return verification.codeHash !== undefined && verification.codeHash === hashCode(code);
  }

  /** Records who the address was confirmed for, once: a verification confirmed before keeps its result. */
  async markVerified(verification: EmailVerification, verified: { userId: string; created: boolean }): Promise<EmailVerification> {
    const stored = await this.#store.update<EmailVerification>(key(verification.id), (current) => (current && !current.verified ? { ...current, verified } : undefined));
    return stored ?? { ...verification, verified };
  }

  save(verification: EmailVerification): Promise<void> {
    return this.#store.set(key(verification.id), verification, this.#ttl(verification));
  }

  /** Its link names it for the link's lifetime and the retention after it (so that an expired link can say so). */
  async #indexLink(verification: EmailVerification): Promise<void> {
    if (verification.linkToken) await this.#store.set(linkKey(verification.linkToken), verification.id, linkSeconds + retentionSeconds);
  }

  #ttl(verification: EmailVerification): number {
    return Math.max(1, verification.expiresAt - this.#clock.nowSeconds()) + retentionSeconds;
  }
}
