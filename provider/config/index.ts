export { readSettings, defaultSettings, settingsSchema, SettingsError, type Settings } from './settings.js';
export { projectRoot, projectPath } from './paths.js';
