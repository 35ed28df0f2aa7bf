import type { Router } from '@koa/router';
import { callerOf, requireScope } from './auth.js';
import type { PublicApiDirectory } from './directory.js';
import { PublicApiError } from './errors.js';
import type { ApplicationRecord } from './records.js';
import { applicationResource, tenantResource } from './resources.js';

/** Applications (clients) on tenants, and the tenants in which a user has an application. */
export function applicationRoutes(router: Router, directory: PublicApiDirectory): void {
  const tenants = directory.directory;

  router.get('/tenants/:tenantId/applications', requireScope('publicapi:tenant:application:read'), async (ctx) => {
    const tenant = await directory.tenant(callerOf(ctx), ctx.params['tenantId']!);
    const applications = await Promise.all((tenant.applications ?? []).map((clientId) => tenants.client(clientId)));
    ctx.body = applications.filter((application): application is ApplicationRecord => application !== undefined).map(applicationResource);
  });

  router.get('/tenants/:tenantId/applications/:applicationId', requireScope('publicapi:tenant:application:read'), async (ctx) => {
    const { application } = await directory.tenantApplication(callerOf(ctx), ctx.params['tenantId']!, ctx.params['applicationId']!);
    ctx.body = applicationResource(application);
  });

  /** Adds an application to a tenant (201); one that is there already answers 200. */
  router.post('/tenants/:tenantId/applications/:applicationId', requireScope('publicapi:tenant:application:create'), async (ctx) => {
    const tenant = await directory.tenant(callerOf(ctx), ctx.params['tenantId']!);
    const application = await directory.application(ctx.params['applicationId']!);
    let added = false;
    const updated = await tenants.updateTenant(tenant.id, (current) => {
      added = !(current.applications ?? []).includes(application.client_id);
      return added ? { ...current, applications: [...(current.applications ?? []), application.client_id], updatedAt: directory.clock.nowSeconds() } : undefined;
    });
    if (!updated) throw new PublicApiError('ERROR_TENANT_NOT_FOUND', `no tenant has the id ${tenant.id}`);
    ctx.status = added ? 201 : 200;
    ctx.body = applicationResource(application);
  });

  /** Removes an application from a tenant, and with it the users' links and roles in it there. */
  router.delete('/tenants/:tenantId/applications/:applicationId', requireScope('publicapi:tenant:application:delete'), async (ctx) => {
    const { tenant, application } = await directory.tenantApplication(callerOf(ctx), ctx.params['tenantId']!, ctx.params['applicationId']!);
    const clientId = application.client_id;
    await tenants.updateTenant(tenant.id, (current) => ({ ...current, applications: (current.applications ?? []).filter((id) => id !== clientId), updatedAt: directory.clock.nowSeconds() }));
    const inIt = (entry: { clientId: string; tenantId: string | undefined }) => entry.clientId === clientId && entry.tenantId === tenant.id;
    for (const account of await directory.members(tenant.id)) {
      await directory.accounts.update(account.sub, (current) => ({
        ...current,
        applications: current.applications.filter((link) => !inIt(link)),
        applicationRoles: (current.applicationRoles ?? []).filter((entry) => !inIt(entry)),
      }));
    }
    ctx.status = 204;
  });

  /** The tenants the user belongs to that have the application (only the token's own, when it is bound to one). */
  router.get('/tenants/applications/:applicationId/users/:userId', requireScope('publicapi:tenant:read'), async (ctx) => {
    const caller = callerOf(ctx);
    const application = await directory.application(ctx.params['applicationId']!);
    const account = await directory.user(caller, ctx.params['userId']!);
    const tenantIds = account.tenants.filter((id) => caller.tenantId === undefined || id === caller.tenantId);
    ctx.body = (await tenants.tenants(tenantIds)).filter((tenant) => (tenant.applications ?? []).includes(application.client_id)).map(tenantResource);
  });
}
