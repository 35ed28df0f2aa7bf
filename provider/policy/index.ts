export { decideTwoFactor, blocksSignIn } from './decide.js';
export type { Decision, PolicyInput, Outcome, RuleName, TraceStep, DomainPolicy, AppPolicy } from './decision.js';
