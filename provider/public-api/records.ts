import type { ClientMetadata } from 'oidc-provider';
import type { TenantFixture } from '../fixtures/index.js';

/** A tenant as stored: the fixture's fields, and what the Public API adds (absent on fixture tenants). */
export interface TenantRecord extends TenantFixture {
  organizationNumber?: string;
  countryCode?: string;
  externalId?: string;
  businessUnitName?: string;
  address1?: string;
  address2?: string;
  postalCode?: string;
  city?: string;
  /** The application (client id) that created the tenant through the Public API. */
  applicationId?: string;
  /** Epoch seconds. */
  createdAt?: number;
  updatedAt?: number;
}

/** A client as stored (oidc-provider metadata), with the roles it defines (fixtures' `roles`). */
export type ApplicationRecord = ClientMetadata & { roles?: string[] };

