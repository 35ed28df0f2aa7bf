import type { Outcome } from '../policy/index.js';

/** An authorization error in plain words: what it usually means when the emulator sends it. */
const AUTHORIZE_ERRORS: Record<string, string> = {
  access_denied: 'The sign-in was refused: the user (or a fault injected with POST /_mock/faults) said no, so no code was issued.',
  login_required: 'prompt=none, but this browser has no session the client may use: sign in once without prompt=none first.',
  interaction_required: 'prompt=none, but the sign-in needs a page (a second factor, enrollment or the password again), which prompt=none forbids.',
  consent_required: 'prompt=none, but the grant needs consent first.',
  account_selection_required: 'prompt=none, but the user has to pick an account.',
  invalid_scope: 'A scope the emulator does not know, or that this client may not ask for (IdentityServer refuses unknown scopes).',
  invalid_request: 'The authorization request is malformed (a parameter missing, repeated or not allowed for this client).',
  unauthorized_client: 'This client may not use this grant or response type.',
  unsupported_response_type: 'The client is not registered for this response type.',
  invalid_request_object: 'The request object could not be used.',
  temporarily_unavailable: 'The emulator said it is unavailable (often a fault injected with POST /_mock/faults).',
  server_error: 'The emulator failed (a fault injected with POST /_mock/faults, or a bug: see its log).',
};

export function authorizeErrorMeaning(error: string): string {
  return AUTHORIZE_ERRORS[error] ?? 'An error code this emulator does not usually send.';
}

const OUTCOMES: Record<Outcome, string> = {
  none: 'no second factor was asked for',
  challenge: 'the user was asked for the authenticator code',
  enroll: 'the user had to set up 2FA (no "Remind me later")',
  'enroll-optional': 'the user was offered 2FA set-up with "Remind me later"',
};

export const outcomeMeaning = (outcome: Outcome): string => OUTCOMES[outcome];
