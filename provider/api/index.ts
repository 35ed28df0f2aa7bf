export { apiRoutes, type ApiDependencies } from './routes.js';
export { API_SCOPE } from './bearer-auth.js';
export { Provisioning } from './provisioning.js';
