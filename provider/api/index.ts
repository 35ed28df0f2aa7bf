export { apiRoutes, type ApiDependencies } from './routes.js';
