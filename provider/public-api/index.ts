export { requireToken } from './auth.js';
export { PublicApiDirectory } from './directory.js';
export { errorCodesOnErrorBodies, publicApiShape } from './errors.js';
export { publicApiRoutes, notFound } from './routes.js';
