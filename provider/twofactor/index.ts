export { TwoFactorGate, appPolicyOf, domainPolicyOf, type Situation, type ExplainedDecision } from './gate.js';
export { DecisionLog, type LoggedDecision, type DecisionStage } from './decision-log.js';
export { readAcrRequest, asksForTwoFactor, type AcrRequest } from './acr-request.js';
export { sessionTwoFactorAt } from './session-factors.js';
export { SignInDecisions, type SignInDecisionDependencies } from './sign-in-decisions.js';
