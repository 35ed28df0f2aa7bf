export { readSettings, defaultSettings, settingNames, settingsOverrideProblem, SettingsError, type Settings } from './settings.js';
export { projectPath } from './paths.js';
export { VISMA_FACTS, type VismaFacts } from './visma-facts.js';
