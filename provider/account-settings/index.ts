export { accountSettingsRoutes, type AccountSettingsDependencies } from './routes.js';
