export { apiRoutes, type ApiDependencies } from './routes.js';
export { Provisioning } from './provisioning.js';
