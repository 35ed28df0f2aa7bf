export { accountSettingsRoutes, type AccountSettingsDependencies } from './routes.js';
export { accountSettingsClient, ACCOUNT_SETTINGS_CLIENT_ID, ACCOUNT_PATH } from './internal-client.js';
