export { accountSettingsRoutes, type AccountSettingsDependencies } from './routes.js';
export { accountSettingsClient } from './internal-client.js';
