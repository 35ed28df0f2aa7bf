import { HttpError, onlyFields } from '../http/index.js';
import { VISMA_FACTS } from '../config/index.js';
import { canonicalEmail, MAX_EMAIL_LENGTH, type Delivery } from '../accounts/index.js';

export interface VerificationRequest {
  email: string;
  delivery: Delivery;
  locale: string | undefined;
  tenantId: string | undefined;
}

/** `{email, delivery: "code"|"link", locale?, tenantId?}`, each field checked with a reason. */
export function parseVerificationRequest(body: unknown): VerificationRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_request', 'each verification must be a JSON object');
  const fields = body as Record<string, unknown>;
  onlyFields(fields, ['email', 'delivery', 'locale', 'tenantId']);
  const { email, delivery, locale, tenantId } = fields;
  if (typeof email !== 'string' || email.trim() === '') throw new HttpError(400, 'invalid_request', 'email is required');
  const address = parseEmail(email);
  if (delivery !== 'code' && delivery !== 'link') throw new HttpError(400, 'invalid_request', 'delivery must be "code" or "link"');
  if (locale !== undefined && (typeof locale !== 'string' || !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale))) {
    throw new HttpError(400, 'invalid_request', 'locale must be a language tag such as sv-SE');
  }
  if (tenantId !== undefined && (typeof tenantId !== 'string' || tenantId === '')) throw new HttpError(400, 'invalid_request', 'tenantId must be a non-empty string');
  return { email: address, delivery, locale, tenantId };
}

/** An address in its canonical form (canonicalEmail), or 400 invalid_email. */
export function parseEmail(email: string): string {
  if (email.length > MAX_EMAIL_LENGTH) throw new HttpError(400, 'invalid_email', `email must be at most ${MAX_EMAIL_LENGTH} characters`);
  const canonical = canonicalEmail(email);
  if (canonical === undefined) throw new HttpError(400, 'invalid_email', `"${email}" is not an e-mail address`);
  return canonical;
}

export function parseCode(body: Record<string, unknown>): string {
  onlyFields(body, ['code']);
  const { code } = body;
  if (typeof code !== 'string' || !/^\d{6}$/.test(code.trim())) throw new HttpError(400, 'invalid_request', 'code must be the 6 digits from the mail, as a string');
  return code.trim();
}

const MAX_BATCH = VISMA_FACTS.emailVerification.maxBatch;

export function parseBatch(body: Record<string, unknown>): unknown[] {
  onlyFields(body, ['items']);
  const { items } = body;
  if (!Array.isArray(items) || items.length === 0) throw new HttpError(400, 'invalid_request', 'items must be a non-empty array of verifications');
  if (items.length > MAX_BATCH) throw new HttpError(400, 'invalid_request', `items may hold at most ${MAX_BATCH} verifications`);
  return items;
}
