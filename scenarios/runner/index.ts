export { runScenarioFiles, runScenarios, type RunOptions, type RunSummary } from './runner.js';
export { loadScenarios, parseScenario, ScenarioFileError } from './load.js';
export { junitXml, describeResult, describeSummary } from './report.js';
export { scenarioSchema, STEP_KINDS, type Scenario, type Step, type StepKind } from './schema.js';
export type { ScenarioResult } from './run-scenario.js';
