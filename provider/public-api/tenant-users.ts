import type { Router } from '@koa/router';
import { callerOf, requireScope } from './auth.js';
import { withoutTenant, type PublicApiDirectory } from './directory.js';
import { PublicApiError } from './errors.js';

/** `/tenants/{tenantId}/users`: a tenant's users, and adding and removing one. */
export function tenantUserRoutes(router: Router, directory: PublicApiDirectory): void {
  router.get('/tenants/:tenantId/users', requireScope('publicapi:tenant:user:read'), async (ctx) => {
    const tenant = await directory.tenant(callerOf(ctx), ctx.params['tenantId']!);
    ctx.body = await Promise.all((await directory.members(tenant.id)).map((account) => directory.describe(account)));
  });

  router.get('/tenants/:tenantId/users/:userId', requireScope('publicapi:tenant:user:read'), async (ctx) => {
    const tenant = await directory.tenant(callerOf(ctx), ctx.params['tenantId']!);
    ctx.body = await directory.describe(await directory.member(tenant, ctx.params['userId']!));
  });

  /** Any existing user may be added (201); one who belongs already answers 200. */
  router.post('/tenants/:tenantId/users/:userId', requireScope('publicapi:tenant:user:create'), async (ctx) => {
    const tenant = await directory.tenant(callerOf(ctx), ctx.params['tenantId']!);
    const found = await directory.accounts.findBySub(ctx.params['userId']!.toLowerCase());
    if (!found) throw new PublicApiError('ERROR_USER_NOT_FOUND', `no user has the id ${ctx.params['userId']}`);
    directory.checkDomain(tenant, found.email);
    let added = false;
    const account = await directory.updateUser(found.sub, (current) => {
      added = !current.tenants.includes(tenant.id);
      return added ? { ...current, tenants: [...current.tenants, tenant.id], updatedAt: directory.clock.nowSeconds() } : undefined;
    });
    if (added) await directory.stayInTenant(tenant.id, found.sub, { made: false });
    ctx.status = added ? 201 : 200;
    ctx.body = await directory.describe(account);
  });

  /** The user leaves the tenant, with their links and roles there; the account stays. */
  router.delete('/tenants/:tenantId/users/:userId', requireScope('publicapi:tenant:user:delete'), async (ctx) => {
    const tenant = await directory.tenant(callerOf(ctx), ctx.params['tenantId']!);
    const account = await directory.member(tenant, ctx.params['userId']!);
    await directory.updateUser(account.sub, (current) => ({ ...withoutTenant(current, tenant.id), updatedAt: directory.clock.nowSeconds() }));
    ctx.status = 204;
  });
}
