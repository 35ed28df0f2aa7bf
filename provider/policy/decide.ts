import type { Decision, PolicyInput, TraceStep } from './decision.js';
import { RULES } from './rules.js';

/** Whether to ask for a second factor: the first matching rule decides; every rule looked at is traced. */
export function decideTwoFactor(input: PolicyInput): Decision {
  const trace: TraceStep[] = [];
  for (const rule of RULES) {
    const result = rule.apply(input);
    trace.push({ rule: rule.name, matched: result.matched, because: result.because });
    if (result.matched) return { outcome: result.outcome, rule: rule.name, reason: result.because, trace };
  }
  throw new Error('the default rule always matches');
}

/** Outcomes that stop a sign-in until the user acts; `enroll-optional` is only offered after a password. */
export const blocksSignIn = (decision: Decision): boolean => decision.outcome === 'challenge' || decision.outcome === 'enroll';
