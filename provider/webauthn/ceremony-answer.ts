import * as z from 'zod';
import { hiddenText, typedText } from '../http/page-form.js';
import { MAX_CREDENTIAL_NAME } from './credential.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

/**
 * What the page's script posts: `WebAuthnResponse`, the credential as JSON (@simplewebauthn/browser's
 * shape), or `WebAuthnError`, the DOMException's name when the browser's ceremony failed.
 */
const RESPONSE_FIELD = 'WebAuthnResponse';
const ERROR_FIELD = 'WebAuthnError';

/** The two fields of a ceremony's form (the page's script fills one in), for the form's schema; a hand-made answer too long to be one fails. */
export const ceremonyAnswerFields = schemaOnFirstUse(() => ({
  [RESPONSE_FIELD]: hiddenText(65_536, 'webauthnFailed'),
  [ERROR_FIELD]: hiddenText(64, 'webauthnFailed'),
}));

/** The name a user gives a credential (trimmed; empty where a default name is given). */
export const credentialNameText = () => typedText('credentialNameInvalid', { max: MAX_CREDENTIAL_NAME, trim: true });

/** A ceremony's form, read: what `ceremonyAnswerFields()` gives. */
export type CeremonyAnswer = Partial<Record<typeof RESPONSE_FIELD | typeof ERROR_FIELD, string>>;

export type WebAuthnProblem = 'webauthnCancelled' | 'webauthnUnsupported' | 'webauthnWrongOrigin' | 'webauthnReplayed' | 'webauthnUnknownCredential' | 'webauthnAlreadyRegistered' | 'webauthnFailed';

const base64url = schemaOnFirstUse(() =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/)
    .max(65_536),
);
const clientData = schemaOnFirstUse(() => z.object({ type: z.string(), challenge: base64url(), origin: z.string() }));

const assertion = schemaOnFirstUse(() =>
  z.object({
    id: base64url().min(1),
    rawId: base64url().min(1),
    type: z.literal('public-key'),
    response: z.object({ clientDataJSON: base64url(), authenticatorData: base64url(), signature: base64url(), userHandle: base64url().optional() }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  }),
);

const attestation = schemaOnFirstUse(() =>
  z.object({
    id: base64url().min(1),
    rawId: base64url().min(1),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url(),
      attestationObject: base64url(),
      transports: z.array(z.string().max(32)).max(8).optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  }),
);

export type AssertionJson = z.infer<ReturnType<typeof assertion>>;
export type AttestationJson = z.infer<ReturnType<typeof attestation>>;
export type ClientData = z.infer<ReturnType<typeof clientData>>;

/** The browser said why it gave up: a user who cancelled (or no key answered in time) is told so. */
function browserProblem(name: string): WebAuthnProblem {
  if (name === 'NotAllowedError' || name === 'AbortError') return 'webauthnCancelled';
  if (name === 'NotSupportedError' || name === 'unsupported') return 'webauthnUnsupported';
  if (name === 'InvalidStateError') return 'webauthnAlreadyRegistered';
  return 'webauthnFailed';
}

export type ParsedAnswer<T> = { ok: true; credential: T; clientData: ClientData } | { ok: false; problem: WebAuthnProblem };

function parse<T>(form: CeremonyAnswer, schema: z.ZodType<T>): ParsedAnswer<T> {
  const error = form[ERROR_FIELD];
  if (error) return { ok: false, problem: browserProblem(error) };
  try {
    const credential = schema.parse(JSON.parse(form[RESPONSE_FIELD] ?? ''));
    const { clientDataJSON } = (credential as { response: { clientDataJSON: string } }).response;
    return { ok: true, credential, clientData: clientData().parse(JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'))) };
  } catch {
    return { ok: false, problem: 'webauthnFailed' };
  }
}

export const parseAssertion = (form: CeremonyAnswer): ParsedAnswer<AssertionJson> => parse(form, assertion());
export const parseAttestation = (form: CeremonyAnswer): ParsedAnswer<AttestationJson> => parse(form, attestation());
