import type { Outcome } from '../policy/index.js';

/** How the room shows an outcome: a symbol and words as well as a colour, so it reads without colour. */
export const OUTCOMES: Record<Outcome, { symbol: string; label: string; meaning: string }> = {
  none: { symbol: '○', label: 'no 2FA', meaning: 'signed in after the password' },
  challenge: { symbol: '●', label: 'code asked', meaning: 'the 6-digit code (or the emergency code) is asked for' },
  enroll: { symbol: '▲', label: 'must enroll', meaning: 'the enrollment wizard, not skippable' },
  'enroll-optional': { symbol: '△', label: 'enrollment offered', meaning: 'the enrollment wizard with "Remind me later"' },
};
