import { domainToASCII } from 'node:url';
import * as z from 'zod';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

/** RFC 5321's longest path, less the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;
/** RFC 1035's longest label of a domain name (in its ASCII form). */
const MAX_LABEL_LENGTH = 63;
const asciiAddress = schemaOnFirstUse(() => z.email().max(MAX_EMAIL_LENGTH));

/**
 * The one form an e-mail address has here, whichever way it comes in (the login and reset forms,
 * /api/v1, fixtures, the control plane) and goes out (accounts, tokens, the API, the mail's
 * recipient): trimmed, the domain lower-cased in its ASCII form (`exämple.se` and `XN--EXMPLE-CUA.se`
 * both become `xn--exmple-cua.se`, what nodemailer sends and MailHog shows), the local part as given
 * (RFC 5321 section 2.4: a mail system keeps its case). Undefined when it is no address we can mail:
 * the local part must be ASCII, as SMTPUTF8 is not offered.
 */
export function canonicalEmail(value: string): string | undefined {
  if (value.length > MAX_EMAIL_LENGTH + 2) return formOf(value);
  if (forms.has(value)) return forms.get(value);
  const form = formOf(value);
  if (forms.size >= KEPT_FORMS) forms.clear();
  forms.set(value, form);
  return form;
}

/**
 * The forms of recent inputs: the same addresses come in request after request (a password sign-in
 * asks for its address's form at the identifier and again at the password), and the IDNA and syntax
 * checks cost more than a look-up.
 */
const KEPT_FORMS = 1000;
const forms = new Map<string, string | undefined>();

function formOf(value: string): string | undefined {
  const trimmed = value.trim();
  const at = trimmed.lastIndexOf('@');
  // WHATWG's domainToASCII drops tabs, line breaks and invisible formatting characters (a soft hyphen, a
  // zero-width space) inside a domain, and decodes %XX: `fore\ttaget.se` and `%66oretaget.se` would be foretaget.se.
  if (at < 1 || /[\p{Cc}\p{Cf}\s]/u.test(trimmed) || trimmed.slice(at + 1).includes('%')) return undefined;
  const domain = domainToASCII(trimmed.slice(at + 1));
  if (domain === '' || domain.split('.').some((label) => label.length > MAX_LABEL_LENGTH)) return undefined;
  const address = `${trimmed.slice(0, at)}@${domain}`;
  return asciiAddress().safeParse(address).success ? address : undefined;
}

/** What two canonical addresses share when they are one account's: e-mail is matched without regard to case. */
export const emailKey = (canonical: string): string => canonical.toLowerCase();

/** The address's domain, lower-cased: what domain policies, tenants' verified and allowed domains are kept by. */
export const emailDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
