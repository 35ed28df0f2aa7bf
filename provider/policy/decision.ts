/** The vocabulary of the 2FA decision table (DESIGN.md section 5, a contract). */
export type DomainPolicy = 'optional' | 'required';
export type AppPolicy = 'default' | 'bypass' | 'adaptive' | 'required';

/** `enroll` cannot be skipped; `enroll-optional` offers "Remind me later". */
export type Outcome = 'none' | 'challenge' | 'enroll' | 'enroll-optional';
export type RuleName = 'step-up' | 'bypass' | 'required' | 'adaptive' | 'default';

export interface PolicyInput {
  domainPolicy: DomainPolicy;
  appPolicy: AppPolicy;
  /** The user has a TOTP authenticator. */
  enrolled: boolean;
  /** The request asks for 2FA (acr_values or an essential acr claim), with its max_age if any. */
  stepUp: { requested: boolean; maxAgeSeconds?: number | undefined };
  /** When this session last completed a second factor (epoch seconds), if it has. */
  sessionTwoFactorAt?: number | undefined;
  /** Epoch seconds. */
  now: number;
  trustedNetwork: boolean;
  rememberedDevice: boolean;
}

export interface TraceStep {
  rule: RuleName;
  matched: boolean;
  because: string;
}

export interface Decision {
  outcome: Outcome;
  rule: RuleName;
  reason: string;
  trace: TraceStep[];
}
