import type { Application, Tenant } from '../directory/index.js';

/** A tenant and a client as the Directory keeps them (the Public API adds its fields to tenants). */
export type TenantRecord = Tenant;
export type ApplicationRecord = Application;
