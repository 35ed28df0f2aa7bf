export { TwoFactorGate, appPolicyOf, type Situation, type ExplainedDecision } from './gate.js';
export { DecisionLog, type LoggedDecision, type DecisionStage } from './decision-log.js';
export { readAcrRequest, type AcrRequest } from './acr-request.js';
export { SignInDecisions, type SignInDecisionDependencies } from './sign-in-decisions.js';
