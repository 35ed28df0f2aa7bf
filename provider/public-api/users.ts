import { randomUUID } from 'node:crypto';
import type { Router } from '@koa/router';
import { hashPassword, untilLinked, type Account } from '../accounts/index.js';
import { queryValue, readJson } from '../http/index.js';
import { callerOf, requireScope, type Caller } from './auth.js';
import type { PublicApiDirectory } from './directory.js';
import { PublicApiError } from './errors.js';
import { createUserSchema, emailChangeSchema, noFieldsSchema, parseBody, updateUserSchema, type CreateUser } from './validation.js';

const DEFAULT_LANGUAGE = 'sv-SE';

const isLinked = (account: Account, caller: Caller) => account.applications.some((app) => app.clientId === caller.clientId && app.tenantId === caller.tenantId);

/** The account linked to the calling application, in the caller's tenant when its token has one. */
function linkedToCaller(account: Account, caller: Caller, now: number): Account {
  return {
    ...account,
    tenants: caller.tenantId && !account.tenants.includes(caller.tenantId) ? [...account.tenants, caller.tenantId] : account.tenants,
    applications: [...account.applications, { clientId: caller.clientId, tenantId: caller.tenantId, linkedAt: now }],
    updatedAt: now,
  };
}

/**
 * The account a create answers with: a new one, or the one the address has, linked to the caller. An
 * account deleted between being found and being linked (a DELETE at the same moment) frees the address,
 * so the create starts over and makes it anew rather than answering that the user it never named is gone.
 */
async function createdOrLinked(directory: PublicApiDirectory, body: CreateUser, caller: Caller, passwordHashCost: number): Promise<{ account: Account; created: boolean; alreadyLinked: boolean }> {
  return untilLinked(
    async () => {
      const now = directory.clock.nowSeconds();
      const existing = await directory.accounts.findByEmail(body.email);
      const passwordHash = existing || body.password === undefined ? undefined : await hashPassword(body.password, passwordHashCost);
      const { account: found, created } = existing ? { account: existing, created: false } : await directory.accounts.create(newAccount(body, passwordHash, caller, now));
      if (created) return { account: found, created, alreadyLinked: false };
      let alreadyLinked = false;
      const linked = await directory.accounts.update(found.sub, (current) => {
        alreadyLinked = isLinked(current, caller);
        return alreadyLinked ? undefined : linkedToCaller(current, caller, now);
      });
      return linked && { account: linked, created: false, alreadyLinked };
    },
    (rounds) => new PublicApiError('ERROR_SERVICE_UNAVAILABLE', `${body.email} was deleted ${rounds} times while this request linked it; try again`),
  );
}

/** An account made by the Public API: the address is taken as verified, as the caller vouches for it. */
function newAccount(body: CreateUser, passwordHash: string | undefined, caller: Caller, now: number): Account {
  return {
    sub: randomUUID(),
    email: body.email,
    emailVerified: true,
    passwordHash,
    givenName: body.first_name,
    familyName: body.last_name,
    locale: body.preferred_language ?? DEFAULT_LANGUAGE,
    tenants: caller.tenantId ? [caller.tenantId] : [],
    totpSecret: undefined,
    emergencyCodeHash: undefined,
    lastLoginAt: undefined,
    passwordHistory: [],
    applications: [{ clientId: caller.clientId, tenantId: caller.tenantId, linkedAt: now }],
    countryCode: body.country_code,
    twoStepEnforced: body['2step_enforced'],
    unverifiedPhoneNumber: body.unverified_phone_number,
    createdAt: now,
    updatedAt: now,
  };
}

/** `/users`: create (or link), read, update, delete, suspend, resume, allow e-mail change. */
export function userRoutes(router: Router, directory: PublicApiDirectory, passwordHashCost: number): void {
  /**
   * Creates a user linked to the calling application. An address that already has an account links that
   * account instead (200, its profile unchanged); one already linked answers ERROR_USER_LINKED_TO_CLIENT.
   */
  router.post('/users', requireScope('publicapi:user:create'), async (ctx) => {
    const caller = callerOf(ctx);
    const body = parseBody(createUserSchema, await readJson(ctx));
    const tenant = caller.tenantId === undefined ? undefined : await directory.tenant(caller, caller.tenantId);
    directory.checkDomain(tenant, body.email);
    const { account, created, alreadyLinked } = await createdOrLinked(directory, body, caller, passwordHashCost);
    if (alreadyLinked) throw new PublicApiError('ERROR_USER_LINKED_TO_CLIENT', `${account.email} is already linked to ${caller.clientId}`);
    if (tenant) await directory.stayInTenant(tenant.id, account.sub, { made: created });
    // Without a password the user creates one through "Forgot your password?", as the mail says.
    if (created && account.passwordHash === undefined) await directory.mails.accountCreated(account);
    ctx.status = created ? 201 : 200;
    if (created) ctx.set('location', `/v1.0/users/${account.sub}`);
    ctx.body = await directory.describe(account);
  });

  /** The account with an address (`email`, any case): a list of one, or empty. */
  router.get('/users', requireScope('publicapi:user:read'), async (ctx) => {
    const usage = (reason: string) => new PublicApiError('ERROR_INVALID_REQUEST', `${reason}: GET /v1.0/users?email=<address>`);
    const email = queryValue(ctx.query, 'email', usage);
    if (email === '') throw usage('email is required');
    const account = await directory.accounts.findByEmail(email);
    ctx.body = account && directory.sees(callerOf(ctx), account) ? [await directory.describe(account)] : [];
  });

  router.get('/users/:userId', requireScope('publicapi:user:read'), async (ctx) => {
    ctx.body = await directory.describe(await directory.user(callerOf(ctx), ctx.params['userId']!));
  });

  /** Changes the fields given; the e-mail address is the user's own to change. */
  router.put('/users/:userId', requireScope('publicapi:user:update'), async (ctx) => {
    const { sub, email } = await directory.managedUser(callerOf(ctx), ctx.params['userId']!);
    const body = parseBody(updateUserSchema, await readJson(ctx));
    if (body.email !== undefined && body.email.toLowerCase() !== email.toLowerCase()) {
      throw new PublicApiError('ERROR_EMAIL_CHANGE_NOT_ALLOWED', 'the e-mail address cannot be changed through the API: the user changes it (see POST /v1.0/users/{id}/allowemailchange)');
    }
    const updated = await directory.updateUser(sub, (account) => ({
      ...account,
      givenName: body.first_name ?? account.givenName,
      familyName: body.last_name ?? account.familyName,
      countryCode: body.country_code ?? account.countryCode,
      locale: body.preferred_language ?? account.locale,
      unverifiedPhoneNumber: body.unverified_phone_number ?? account.unverifiedPhoneNumber,
      twoStepEnforced: body['2step_enforced'] ?? account.twoStepEnforced,
      updatedAt: directory.clock.nowSeconds(),
    }));
    ctx.body = await directory.describe(updated);
  });

  router.delete('/users/:userId', requireScope('publicapi:user:delete'), async (ctx) => {
    const { sub } = await directory.managedUser(callerOf(ctx), ctx.params['userId']!);
    if (!(await directory.accounts.delete(sub))) throw new PublicApiError('ERROR_USER_NOT_FOUND', `no user has the id ${sub}`);
    ctx.status = 204;
  });

  /** Sets one of the user's flags: the body has nothing, or (allow e-mail change) the flag's new value. */
  const flagRoute = (path: string, scope: string, flag: (body: Record<string, unknown>) => Partial<Account>) =>
    router.post(`/users/:userId/${path}`, requireScope(scope), async (ctx) => {
      const { sub } = await directory.managedUser(callerOf(ctx), ctx.params['userId']!);
      const change = flag(await readJson(ctx));
      ctx.body = await directory.describe(await directory.updateUser(sub, (account) => ({ ...account, ...change, updatedAt: directory.clock.nowSeconds() })));
    });

  // A suspended user cannot sign in, and its sessions and refresh tokens stop working; resume undoes it.
  flagRoute('suspend', 'publicapi:user:suspend', (body) => {
    parseBody(noFieldsSchema, body);
    return { suspended: true };
  });
  flagRoute('resume', 'publicapi:user:resume', (body) => {
    parseBody(noFieldsSchema, body);
    return { suspended: false };
  });
  flagRoute('allowemailchange', 'publicapi:user:allowemailchange', (body) => ({ emailChangeAllowed: parseBody(emailChangeSchema, body).email_change_allowed ?? true }));
}
