export { requireToken } from './auth.js';
export { Directory } from './directory.js';
export { publicApiErrors } from './errors.js';
export { publicApiRoutes, notFound } from './routes.js';
