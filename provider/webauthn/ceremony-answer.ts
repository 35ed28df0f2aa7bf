import { z } from 'zod';

/**
 * What the page's script posts: `WebAuthnResponse`, the credential as JSON (@simplewebauthn/browser's
 * shape), or `WebAuthnError`, the DOMException's name when the browser's ceremony failed.
 */
export const RESPONSE_FIELD = 'WebAuthnResponse';
export const ERROR_FIELD = 'WebAuthnError';

export type WebAuthnProblem =
  | 'webauthnCancelled'
  | 'webauthnUnsupported'
  | 'webauthnWrongOrigin'
  | 'webauthnReplayed'
  | 'webauthnUnknownCredential'
  | 'webauthnAlreadyRegistered'
  | 'webauthnFailed';

const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/).max(65_536);
const clientData = z.object({ type: z.string(), challenge: base64url, origin: z.string() });

const assertion = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal('public-key'),
  response: z.object({ clientDataJSON: base64url, authenticatorData: base64url, signature: base64url, userHandle: base64url.optional() }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

const attestation = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url,
    attestationObject: base64url,
    transports: z.array(z.string().max(32)).max(8).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

export type AssertionJson = z.infer<typeof assertion>;
export type AttestationJson = z.infer<typeof attestation>;
export type ClientData = z.infer<typeof clientData>;

/** The browser said why it gave up: a user who cancelled (or no key answered in time) is told so. */
function browserProblem(name: string): WebAuthnProblem {
  if (name === 'NotAllowedError' || name === 'AbortError') return 'webauthnCancelled';
  if (name === 'NotSupportedError' || name === 'unsupported') return 'webauthnUnsupported';
  if (name === 'InvalidStateError') return 'webauthnAlreadyRegistered';
  return 'webauthnFailed';
}

export type ParsedAnswer<T> = { ok: true; credential: T; clientData: ClientData } | { ok: false; problem: WebAuthnProblem };

function parse<T>(form: Record<string, string | undefined>, schema: z.ZodType<T>): ParsedAnswer<T> {
  const error = form[ERROR_FIELD];
  if (error) return { ok: false, problem: browserProblem(error) };
  try {
    const credential = schema.parse(JSON.parse(form[RESPONSE_FIELD] ?? ''));
    const { clientDataJSON } = (credential as { response: { clientDataJSON: string } }).response;
    return { ok: true, credential, clientData: clientData.parse(JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'))) };
  } catch {
    return { ok: false, problem: 'webauthnFailed' };
  }
}

export const parseAssertion = (form: Record<string, string | undefined>): ParsedAnswer<AssertionJson> => parse(form, assertion);
export const parseAttestation = (form: Record<string, string | undefined>): ParsedAnswer<AttestationJson> => parse(form, attestation);
