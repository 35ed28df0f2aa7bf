import { randomUUID } from 'node:crypto';
import type { Router } from '@koa/router';
import { readJson } from '../http/index.js';
import { callerOf, requireScope } from './auth.js';
import { withoutTenant, type PublicApiDirectory } from './directory.js';
import { PublicApiError } from './errors.js';
import type { TenantRecord } from './records.js';
import { tenantResource } from './resources.js';
import { createTenantSchema, parseBody, updateTenantSchema } from './validation.js';

/** `/tenants`: create, read, update, delete. A token bound to a tenant sees and changes that one only. */
export function tenantRoutes(router: Router, directory: PublicApiDirectory): void {
  const tenants = directory.directory;

  /** Takes an external id for a tenant (it may hold it already), or answers ERROR_EXTERNAL_ID_ALREADY_ADDED. */
  const claimExternalId = async (externalId: string, tenantId: string, { held }: { held: boolean }) => {
    if (!(await tenants.claimExternalId(externalId, tenantId, { held }))) {
      throw new PublicApiError('ERROR_EXTERNAL_ID_ALREADY_ADDED', `the external id ${externalId} belongs to another tenant`);
    }
  };

  router.get('/tenants', requireScope('publicapi:tenant:read'), async (ctx) => {
    const caller = callerOf(ctx);
    const visible = caller.tenantId === undefined ? await tenants.allTenants() : await tenants.tenants([caller.tenantId]);
    ctx.body = visible.sort((a, b) => a.name.localeCompare(b.name)).map(tenantResource);
  });

  router.get('/tenants/:tenantId', requireScope('publicapi:tenant:read'), async (ctx) => {
    ctx.body = tenantResource(await directory.tenant(callerOf(ctx), ctx.params['tenantId']!));
  });

  /** A new tenant, with the calling application added to it. */
  router.post('/tenants', requireScope('publicapi:tenant:create'), async (ctx) => {
    const caller = callerOf(ctx);
    if (caller.tenantId !== undefined) throw new PublicApiError('ERROR_TENANT_BOUND_TOKEN', `the access token is bound to tenant ${caller.tenantId}: create tenants with a token without tenant_id`);
    const body = parseBody(createTenantSchema, await readJson(ctx));
    const id = body.id ?? randomUUID();
    const now = directory.clock.nowSeconds();
    const tenant: TenantRecord = {
      id,
      name: body.organization_name,
      verifiedDomains: [],
      allowedDomains: [],
      trustedNetworks: [],
      applications: [caller.clientId],
      organizationNumber: body.organization_number,
      countryCode: body.country_code,
      externalId: body.external_id,
      businessUnitName: body.business_unit_name,
      address1: body.address_1,
      address2: body.address_2,
      postalCode: body.postal_code,
      city: body.city,
      applicationId: caller.clientId,
      createdAt: now,
      updatedAt: now,
    };
    const idTaken = () => new PublicApiError('ERROR_TENANT_ID_ALREADY_ADDED', `a tenant has the id ${id} already`);
    if (await tenants.tenantExists(id)) throw idTaken();
    if (body.external_id !== undefined) await claimExternalId(body.external_id, id, { held: false });
    if (!(await tenants.createTenant(tenant))) {
      // Another request made a tenant with this id meanwhile: the external id it claimed goes back.
      if (body.external_id !== undefined) await tenants.releaseExternalId(body.external_id);
      throw idTaken();
    }
    ctx.status = 201;
    ctx.set('location', `/v1.0/tenants/${id}`);
    ctx.body = tenantResource(tenant);
  });

  /** Changes the fields given. */
  router.put('/tenants/:tenantId', requireScope('publicapi:tenant:update'), async (ctx) => {
    const { id, externalId: previousExternalId } = await directory.tenant(callerOf(ctx), ctx.params['tenantId']!);
    const body = parseBody(updateTenantSchema, await readJson(ctx));
    const newExternalId = body.external_id !== undefined && body.external_id !== previousExternalId ? body.external_id : undefined;
    if (newExternalId !== undefined) await claimExternalId(newExternalId, id, { held: true });
    const updated = await tenants.updateTenant(id, (tenant) => ({
      ...tenant,
      name: body.organization_name ?? tenant.name,
      organizationNumber: body.organization_number ?? tenant.organizationNumber,
      countryCode: body.country_code ?? tenant.countryCode,
      externalId: body.external_id ?? tenant.externalId,
      businessUnitName: body.business_unit_name ?? tenant.businessUnitName,
      address1: body.address_1 ?? tenant.address1,
      address2: body.address_2 ?? tenant.address2,
      postalCode: body.postal_code ?? tenant.postalCode,
      city: body.city ?? tenant.city,
      updatedAt: directory.clock.nowSeconds(),
    }));
    if (!updated) {
      if (newExternalId !== undefined) await tenants.releaseExternalId(newExternalId);
      throw new PublicApiError('ERROR_TENANT_NOT_FOUND', `no tenant has the id ${id}`);
    }
    if (newExternalId !== undefined && previousExternalId !== undefined) await tenants.releaseExternalId(previousExternalId);
    ctx.body = tenantResource(updated);
  });

  /** The tenant goes, and with it its users' membership, links and roles there (the accounts stay). */
  router.delete('/tenants/:tenantId', requireScope('publicapi:tenant:delete'), async (ctx) => {
    const tenant = await directory.tenant(callerOf(ctx), ctx.params['tenantId']!);
    await tenants.deleteTenant(tenant);
    for (const account of await directory.members(tenant.id)) await directory.accounts.update(account.sub, (current) => withoutTenant(current, tenant.id));
    ctx.status = 204;
  });
}
