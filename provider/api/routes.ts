import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { JWK } from 'oidc-provider';
import { DomainError, InvalidRequest, NotFound } from '../errors/index.js';
import { guardedRouter, httpStatusOf, queryValue, readJson } from '../http/index.js';
import { apiResource, type ServiceTokenTimes } from '../oidc/index.js';
import { API_PATH } from './api-path.js';
import { bearerAuth, type ApiCaller } from './bearer-auth.js';
import type { AccountMails } from '../mail/index.js';
import type { Provisioning, StartedVerification } from './provisioning.js';
import { parseBatch, parseCode, parseEmail, parseVerificationRequest } from './requests.js';
import type { TenantView } from './tenant-view.js';

export interface ApiDependencies {
  provisioning: Provisioning;
  mails: AccountMails;
  issuer: string;
  signingKeys: JWK[];
  /** Checks the service tokens' times on the emulator clock. */
  tokenTimes: ServiceTokenTimes;
}

/** A linked account is made at once (201); a pending verification waits for the user (202). */
const statusOfStarted = (started: StartedVerification): number => (started.status === 'linked' ? 201 : 202);

/** The provisioning API the HRM calls (DESIGN.md section 6, a contract), under /api/v1. */
export function apiRoutes(deps: ApiDependencies): Router {
  const { provisioning } = deps;
  // Every route sees users, verifications and tenants through the caller's view, never the store.
  const viewOf = (ctx: Context): TenantView => provisioning.viewFor(ctx.state['caller'] as ApiCaller);
  const router = guardedRouter(API_PATH, bearerAuth(deps.issuer, apiResource(deps.issuer), deps.signingKeys, deps.tokenTimes));

  router.post('/email-verifications', async (ctx) => {
    const started = await provisioning.startVerification(viewOf(ctx), parseVerificationRequest(await readJson(ctx)));
    ctx.status = statusOfStarted(started);
    ctx.body = started;
  });

  router.post('/email-verifications/batch', async (ctx) => {
    const items = parseBatch(await readJson(ctx));
    const view = viewOf(ctx);
    const results = [];
    for (const item of items) {
      const email = (item as { email?: unknown } | null)?.email;
      try {
        const started = await provisioning.startVerification(view, parseVerificationRequest(item));
        results.push({ email, httpStatus: statusOfStarted(started), ...started });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ email, httpStatus: httpStatusOf(error), error: error.code, error_description: error.description });
      }
    }
    ctx.body = { results };
  });

  router.get('/email-verifications/:id', async (ctx) => {
    ctx.body = provisioning.describe(await viewOf(ctx).verification(ctx.params['id']!));
  });

  router.post('/email-verifications/:id/verify', async (ctx) => {
    const verified = await provisioning.verifyCode(viewOf(ctx), ctx.params['id']!, parseCode(await readJson(ctx)));
    ctx.body = { status: 'verified', ...verified };
  });

  router.get('/users', async (ctx) => {
    const usage = (reason: string) => new InvalidRequest(`${reason}: GET /api/v1/users?email=<address>`);
    const email = queryValue(ctx.query, 'email', usage);
    if (email === '') throw usage('email is required');
    const view = viewOf(ctx);
    ctx.body = view.describeUser(await view.userByEmail(parseEmail(email)));
  });

  router.get('/users/:userId', async (ctx) => {
    const view = viewOf(ctx);
    ctx.body = view.describeUser(await view.user(ctx.params['userId']!));
  });

  router.post('/users/:userId/password-reset', async (ctx) => {
    await deps.mails.passwordReset(await viewOf(ctx).user(ctx.params['userId']!));
    ctx.status = 202;
    ctx.body = { status: 'sent' };
  });

  router.post('/users/:userId/one-time-link', async (ctx) => {
    await deps.mails.oneTimeLink(await viewOf(ctx).user(ctx.params['userId']!));
    ctx.status = 202;
    ctx.body = { status: 'sent' };
  });

  router.delete('/users/:userId/applications/:clientId', async (ctx) => {
    await provisioning.unlink(viewOf(ctx), ctx.params['userId']!, ctx.params['clientId']!);
    ctx.status = 204;
  });

  router.get('/tenants/:tenantId/domains', async (ctx) => {
    const tenant = await viewOf(ctx).tenant(ctx.params['tenantId']!);
    ctx.body = { tenantId: tenant.id, verifiedDomains: tenant.verifiedDomains, allowedDomains: tenant.allowedDomains };
  });

  router.all('/{*rest}', () => {
    throw new NotFound('no such provisioning API endpoint; see the README');
  });

  return router;
}
