import { displayName, type Account } from '../accounts/index.js';
import type { ApplicationRecord, TenantRecord } from './records.js';

/** What the Public API answers with: snake_case resources shaped as DESIGN.md section 6b lists them. */

const date = (seconds: number | undefined): string | null => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());

/**
 * A user. Fields the emulator keeps no data for answer null (or false for flags): email_verified_date,
 * password_policy, seconds_until_password_expires, user_terms_version, profile_picture_changed_date.
 */
export function userResource(account: Account, passwordRetryCount: number): Record<string, unknown> {
  return {
    id: account.sub,
    email: account.email,
    email_verified: account.emailVerified,
    email_verified_date: null,
    email_not_accessible: false,
    email_change_allowed: account.emailChangeAllowed ?? false,
    name: displayName(account),
    first_name: account.givenName,
    last_name: account.familyName,
    country_code: account.countryCode ?? null,
    preferred_language: account.locale,
    unverified_phone_number: account.unverifiedPhoneNumber ?? null,
    created_date: date(account.createdAt),
    updated_date: date(account.updatedAt),
    login_count: account.loginCount ?? 0,
    login_date: date(account.lastLoginAt),
    last_login_date: date(account.lastLoginAt),
    password_retry_count: passwordRetryCount,
    password_policy: null,
    seconds_until_password_expires: null,
    '2step_enforced': account.twoStepEnforced ?? false,
    user_terms_version: null,
    profile_picture_changed_date: null,
    password_change_required: false,
    suspended: account.suspended ?? false,
  };
}

export function tenantResource(tenant: TenantRecord): Record<string, unknown> {
  return {
    id: tenant.id,
    organization_name: tenant.name,
    organization_number: tenant.organizationNumber ?? null,
    address_1: tenant.address1 ?? null,
    address_2: tenant.address2 ?? null,
    postal_code: tenant.postalCode ?? null,
    city: tenant.city ?? null,
    country_code: tenant.countryCode ?? null,
    external_id: tenant.externalId ?? null,
    business_unit_name: tenant.businessUnitName ?? null,
    application_id: tenant.applicationId ?? null,
    my_domain: null,
    created_date: date(tenant.createdAt),
    updated_date: date(tenant.updatedAt),
  };
}

export function applicationResource(client: ApplicationRecord): Record<string, unknown> {
  return { id: client.client_id, name: client.client_name ?? client.client_id, roles: client.roles ?? [] };
}
