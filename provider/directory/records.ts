import type { ClientMetadata } from 'oidc-provider';
import type { DomainFixture, TenantFixture } from '../fixtures/schema.js';

/** A tenant as stored: the fixture's fields, and what the Public API adds (absent on fixture tenants). */
export interface Tenant extends TenantFixture {
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

/** The AuthenticationSettings policy of an e-mail domain. */
export type Domain = DomainFixture;
export type DomainPolicy = Domain['twoFactor'];

/**
 * A client as stored: oidc-provider's metadata with the emulator's own settings (fixtures/prepare.ts,
 * EXTRA_CLIENT_METADATA), typed where the emulator reads them.
 */
export type Application = ClientMetadata & {
  twoFactor?: 'default' | 'bypass' | 'adaptive' | 'required';
  /** The roles this application defines. */
  roles?: string[];
  /** The tenants a client_credentials token of this client may ask for; absent: every tenant. */
  tenants?: string[];
};
