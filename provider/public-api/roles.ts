import type { Router } from '@koa/router';
import { readJson } from '../http/index.js';
import { callerOf, requireScope } from './auth.js';
import type { PublicApiDirectory } from './directory.js';
import { PublicApiError } from './errors.js';
import { parseBody, rolesSchema } from './validation.js';

const PATH = '/tenants/:tenantId/applications/:applicationId/users/:userId/roles';

/** A user's roles in an application on a tenant: read them, or replace them all (PUT, a sync). */
export function roleRoutes(router: Router, directory: PublicApiDirectory): void {
  router.get(PATH, requireScope('publicapi:tenant:userapplicationroles:read'), async (ctx) => {
    const { tenant, application } = await directory.tenantApplication(callerOf(ctx), ctx.params['tenantId']!, ctx.params['applicationId']!);
    const account = await directory.member(tenant, ctx.params['userId']!);
    const entry = account.applicationRoles?.find((roles) => roles.tenantId === tenant.id && roles.clientId === application.client_id);
    ctx.body = { roles: entry?.roles ?? [] };
  });

  /** The roles must be ones the application defines; an empty list takes them all away. */
  router.put(PATH, requireScope('publicapi:tenant:userapplicationroles:update'), async (ctx) => {
    const { tenant, application } = await directory.tenantApplication(callerOf(ctx), ctx.params['tenantId']!, ctx.params['applicationId']!);
    const account = await directory.member(tenant, ctx.params['userId']!);
    const roles = [...new Set(parseBody(rolesSchema, await readJson(ctx)).roles)];
    const defined = application.roles ?? [];
    const unknown = roles.filter((role) => !defined.includes(role));
    if (unknown.length > 0) {
      throw new PublicApiError('ERROR_INVALID_ROLE', `${application.client_id} defines no role ${unknown.map((role) => `"${role}"`).join(', ')} (its roles: ${defined.join(', ') || 'none'})`);
    }
    const clientId = application.client_id;
    const updated = await directory.updateUser(account.sub, (current) => {
      if (!current.tenants.includes(tenant.id)) return undefined;
      const others = (current.applicationRoles ?? []).filter((entry) => !(entry.tenantId === tenant.id && entry.clientId === clientId));
      return { ...current, applicationRoles: roles.length > 0 ? [...others, { tenantId: tenant.id, clientId, roles }] : others, updatedAt: directory.clock.nowSeconds() };
    });
    if (!updated.tenants.includes(tenant.id)) throw new PublicApiError('ERROR_USER_NOT_FOUND', `no user with the id ${account.sub} belongs to tenant ${tenant.id}`);
    ctx.body = { roles };
  });
}
