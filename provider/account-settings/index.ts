export { accountSettingsRoutes, type AccountSettingsDependencies } from './routes.js';
export { accountSettingsClient, ACCOUNT_SETTINGS_CLIENT_ID } from './internal-client.js';
