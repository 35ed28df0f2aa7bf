import { Router } from '@koa/router';
import { applicationRoutes } from './applications.js';
import type { PublicApiDirectory } from './directory.js';
import { PublicApiError } from './errors.js';
import { roleRoutes } from './roles.js';
import { tenantUserRoutes } from './tenant-users.js';
import { tenantRoutes } from './tenants.js';
import { userRoutes } from './users.js';

/** The Public API's operations, under `/v1.0` from the root as on public-api.connect.visma.com. */
export function publicApiRoutes(directory: PublicApiDirectory, passwordHashCost: number): Router {
  const router = new Router({ prefix: '/v1.0' });
  userRoutes(router, directory, passwordHashCost);
  tenantRoutes(router, directory);
  tenantUserRoutes(router, directory);
  applicationRoutes(router, directory);
  roleRoutes(router, directory);
  return router;
}

export function notFound(): never {
  throw new PublicApiError('ERROR_NOT_FOUND', 'no such Public API operation; see the README');
}
