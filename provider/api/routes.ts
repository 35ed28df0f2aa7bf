import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { JWK } from 'oidc-provider';
import { guardedRouter, HttpError, jsonErrors, readJson, type Logger } from '../http/index.js';
import { apiResource } from '../oidc/index.js';
import { bearerAuth, type ApiCaller } from './bearer-auth.js';
import type { AccountRepository } from '../accounts/index.js';
import type { AccountMails } from '../mail/index.js';
import { describeUser, type Provisioning } from './provisioning.js';
import { parseBatch, parseCode, parseVerificationRequest } from './requests.js';

export interface ApiDependencies {
  provisioning: Provisioning;
  accounts: AccountRepository;
  mails: AccountMails;
  issuer: string;
  signingKeys: JWK[];
  logger: Logger;
}

const caller = (ctx: Context): ApiCaller => ctx.state['caller'] as ApiCaller;

/** The provisioning API the HRM calls (DESIGN.md section 6, a contract), under /api/v1. */
export function apiRoutes(deps: ApiDependencies): Router {
  const { provisioning } = deps;
  const router = guardedRouter('/api/v1', jsonErrors(deps.logger), bearerAuth(deps.issuer, apiResource(deps.issuer), deps.signingKeys));

  router.post('/email-verifications', async (ctx) => {
    const result = await provisioning.startVerification(caller(ctx), parseVerificationRequest(await readJson(ctx)));
    ctx.status = result.status;
    ctx.body = result.body;
  });

  router.post('/email-verifications/batch', async (ctx) => {
    const items = parseBatch(await readJson(ctx));
    const results = [];
    for (const item of items) {
      const email = (item as { email?: unknown } | null)?.email;
      try {
        const result = await provisioning.startVerification(caller(ctx), parseVerificationRequest(item));
        results.push({ email, httpStatus: result.status, ...result.body });
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        results.push({ email, httpStatus: error.status, ...error.toJSON() });
      }
    }
    ctx.body = { results };
  });

  router.get('/email-verifications/:id', async (ctx) => {
    ctx.body = provisioning.describe(await provisioning.verification(ctx.params['id']!));
  });

  router.post('/email-verifications/:id/verify', async (ctx) => {
    const result = await provisioning.verifyCode(ctx.params['id']!, parseCode(await readJson(ctx)));
    ctx.status = result.status;
    ctx.body = result.body;
  });

  router.get('/users', async (ctx) => {
    const email = typeof ctx.query['email'] === 'string' ? ctx.query['email'].trim() : '';
    if (email === '') throw new HttpError(400, 'invalid_request', 'email is required: GET /api/v1/users?email=<address>');
    const account = await deps.accounts.findByEmail(email);
    if (!account) throw new HttpError(404, 'user_not_found', `no user has the e-mail ${email}`);
    ctx.body = describeUser(account);
  });

  router.get('/users/:userId', async (ctx) => {
    ctx.body = describeUser(await provisioning.user(ctx.params['userId']!));
  });

  router.post('/users/:userId/password-reset', async (ctx) => {
    await deps.mails.passwordReset(await provisioning.user(ctx.params['userId']!));
    ctx.status = 202;
    ctx.body = { status: 'sent' };
  });

  router.post('/users/:userId/one-time-link', async (ctx) => {
    await deps.mails.oneTimeLink(await provisioning.user(ctx.params['userId']!));
    ctx.status = 202;
    ctx.body = { status: 'sent' };
  });

  router.delete('/users/:userId/applications/:clientId', async (ctx) => {
    const account = await provisioning.user(ctx.params['userId']!);
    const clientId = ctx.params['clientId']!;
    const { tenantId } = caller(ctx);
    const kept = account.applications.filter((app) => !(app.clientId === clientId && (tenantId === undefined || app.tenantId === tenantId)));
    if (kept.length === account.applications.length) throw new HttpError(404, 'not_linked', `${account.email} is not linked to ${clientId}`);
    await deps.accounts.save({ ...account, applications: kept });
    ctx.status = 204;
  });

  router.get('/tenants/:tenantId/domains', async (ctx) => {
    const tenant = (await provisioning.tenant(caller(ctx), ctx.params['tenantId']))!;
    ctx.body = { tenantId: tenant.id, verifiedDomains: tenant.verifiedDomains, allowedDomains: tenant.allowedDomains };
  });

  router.all('/{*rest}', () => {
    throw new HttpError(404, 'not_found', 'no such provisioning API endpoint; see the README');
  });

  return router;
}
