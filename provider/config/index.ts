export { readSettings, defaultSettings, SettingsError, type Settings } from './settings.js';
export { projectRoot, projectPath } from './paths.js';
