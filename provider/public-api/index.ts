export { requireToken } from './auth.js';
export { PublicApiDirectory } from './directory.js';
export { publicApiErrors } from './errors.js';
export { publicApiRoutes, notFound } from './routes.js';
