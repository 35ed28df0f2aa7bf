import type { Outcome, PolicyInput, RuleName } from './decision.js';

export type RuleResult = { matched: false; because: string } | { matched: true; outcome: Outcome; because: string };
export interface Rule {
  name: RuleName;
  apply(input: PolicyInput): RuleResult;
}

const skip = (because: string): RuleResult => ({ matched: false, because });
const decide = (outcome: Outcome, because: string): RuleResult => ({ matched: true, outcome, because });

/** A second factor done earlier in this session (within max_age, when one is given). */
function doneInSession({ sessionTwoFactorAt, now }: PolicyInput, maxAgeSeconds?: number): boolean {
  if (sessionTwoFactorAt === undefined) return false;
  return maxAgeSeconds === undefined || now - sessionTwoFactorAt <= maxAgeSeconds;
}

/** 1. Step-up: asked for by the request; applies even to Bypass apps; a remembered device does not count. */
const stepUp: Rule = {
  name: 'step-up',
  apply(input) {
    const { requested, maxAgeSeconds } = input.stepUp;
    if (!requested) return skip('the request does not ask for 2FA');
    if (doneInSession(input, maxAgeSeconds)) {
      return decide('none', maxAgeSeconds === undefined ? 'step-up asked for 2FA and this session has done it' : `step-up asked for 2FA within ${maxAgeSeconds} s and this session did it in time`);
    }
    if (!input.enrolled) return decide('enroll', 'step-up asked for 2FA and the user has no authenticator: enrollment, not skippable');
    return decide('challenge', 'step-up asked for 2FA (a remembered device does not satisfy a step-up)');
  },
};

/** 2. Bypass: the app never asks, whatever the domain says and even for an enrolled user. */
const bypass: Rule = {
  name: 'bypass',
  apply(input) {
    if (input.appPolicy !== 'bypass') return skip(`the app policy is ${input.appPolicy}, not bypass`);
    return decide('none', 'the app bypasses 2FA, whatever the domain requires');
  },
};

/** 3. Required, by the app or by the domain ("highest security wins"). */
const required: Rule = {
  name: 'required',
  apply(input) {
    const by = [input.appPolicy === 'required' && 'the app', input.domainPolicy === 'required' && 'the domain'].filter(Boolean).join(' and ');
    if (!by) return skip('neither the app nor the domain requires 2FA');
    if (doneInSession(input)) return decide('none', `2FA is required by ${by} and this session has done it`);
    if (input.rememberedDevice) return decide('none', `2FA is required by ${by} and this device is remembered`);
    if (!input.enrolled) return decide('enroll', `2FA is required by ${by} and the user has no authenticator: enrollment, not skippable`);
    return decide('challenge', `2FA is required by ${by}`);
  },
};

/** 4. Adaptive: a trusted network or a remembered device is enough; otherwise ask, or offer enrollment. */
const adaptive: Rule = {
  name: 'adaptive',
  apply(input) {
    if (input.appPolicy !== 'adaptive') return skip(`the app policy is ${input.appPolicy}, not adaptive`);
    if (doneInSession(input)) return decide('none', 'adaptive app and this session has done 2FA');
    if (input.trustedNetwork) return decide('none', "adaptive app on one of the tenant's trusted networks");
    if (input.rememberedDevice) return decide('none', 'adaptive app on a remembered device');
    if (!input.enrolled) return decide('enroll-optional', 'adaptive app on an untrusted network: enrollment offered, "Remind me later" allowed');
    return decide('challenge', 'adaptive app on an untrusted network');
  },
};

/** 5. Default: an enrolled user is asked unless the device is remembered; others are not. */
const byDefault: Rule = {
  name: 'default',
  apply(input) {
    if (!input.enrolled) return decide('none', 'default policy and the user has no authenticator');
    if (doneInSession(input)) return decide('none', 'default policy and this session has done 2FA');
    if (input.rememberedDevice) return decide('none', 'default policy, enrolled user on a remembered device');
    return decide('challenge', 'default policy and the user has an authenticator');
  },
};

/** The table's order: the first rule that matches decides. */
export const RULES: readonly Rule[] = [stepUp, bypass, required, adaptive, byDefault];
