export { accountSettingsRoutes, type AccountSettingsDependencies } from './routes.js';
export { AccountSettingsSessions } from './signed-in-sessions.js';
