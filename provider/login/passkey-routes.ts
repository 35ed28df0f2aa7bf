import type { Router } from '@koa/router';
import type { Context } from 'koa';
import * as z from 'zod';
import { choiceOf, readPageForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import type { SignInDecisions } from '../twofactor/index.js';
import { ceremonyAnswerFields, credentialNameText, type WebAuthnCeremonies } from '../webauthn/index.js';
import { stepPath, type Details, type InteractionPages } from './interaction-pages.js';
import { proceed } from './proceed.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

/** A passkey sign-in, from the identifier or the password page. */
const passkeyForm = schemaOnFirstUse(() => z.object({ ...ceremonyAnswerFields(), From: choiceOf(['identifier', 'password']).optional() }));
const offerForm = schemaOnFirstUse(() => z.object({ ...ceremonyAnswerFields(), Name: credentialNameText() }));

export interface PasskeyRouteDependencies {
  pages: InteractionPages;
  signIn: SignInDecisions;
  ceremonies: WebAuthnCeremonies;
}

/**
 * "Sign in with a security key or biometrics" from the identifier and password pages: a discoverable
 * passkey names its account, so no e-mail is needed. Its 2FA decision is taken after it (stage
 * `passkey`); a failed ceremony re-renders the page it started from with the reason.
 * After a password sign-in, "Tired of passwords?" offers to make one, until declined once.
 */
export function passkeyRoutes(router: Router, { pages, signIn, ceremonies }: PasskeyRouteDependencies): void {
  /** Back on the page the ceremony started from, with why it failed. */
  async function refused(ctx: Context, found: Details, from: string | undefined, problem: MessageKey): Promise<void> {
    const state = await pages.states.get(found.uid);
    const errors = [{ field: 'passkey-button', message: problem }];
    if (state && from === 'password') {
      return pages.render(ctx, found, 'password', '/password', { username: state.email, forgotUrl: stepPath(found.uid, '/forgot'), errors });
    }
    await pages.render(ctx, found, 'identifier', '', { username: state?.email ?? '', errors });
  }

  router.post('/interaction/:uid/passkey/options', async (ctx) => {
    const found = await pages.details(ctx);
    ctx.body = await ceremonies.assertionOptions(found.uid, 'passkey-sign-in');
  });

  router.post('/interaction/:uid/passkey', async (ctx) => {
    const found = await pages.details(ctx);
    const { fields, problem } = await readPageForm(ctx, passkeyForm());
    if (problem) return refused(ctx, found, undefined, problem.message);
    const result = await ceremonies.verifyAssertion(fields, found.uid, 'passkey-sign-in');
    if (!result.ok) return refused(ctx, found, fields.From, result.problem);
    const { account } = result;
    const clientId = String(found.params['client_id']);
    const decision = await signIn.afterPasskey(ctx, { uid: found.uid, params: found.params, clientId, client: await pages.provider.Client.find(clientId), details: found.prompt.details }, account);
    await proceed(pages, ctx, found, { email: account.email, firstFactor: 'pwdless' }, account, decision);
  });

  /** The offer's interaction: a sign-in held there after its last factor. */
  async function held(ctx: Context) {
    const { found, state } = await pages.detailsAndState(ctx);
    const account = state?.sub ? await pages.accounts.findBySub(state.sub) : undefined;
    if (!state?.pendingCompletion || !account) {
      pages.go(ctx, found.uid, '');
      return undefined;
    }
    return { found, state, account, completion: state.pendingCompletion };
  }

  const showOffer = (ctx: Context, found: Details, problem?: MessageKey) =>
    pages.render(ctx, found, 'passkey-offer', '/passkey-offer', {
      skipAction: stepPath(found.uid, '/passkey-offer') + '/skip',
      errors: problem ? [{ field: 'passkey-button', message: problem }] : [],
    });

  router.get('/interaction/:uid/passkey-offer', async (ctx) => {
    const at = await held(ctx);
    if (at) await showOffer(ctx, at.found);
  });

  router.post('/interaction/:uid/passkey-offer/options', async (ctx) => {
    const at = await held(ctx);
    if (at) ctx.body = await ceremonies.registrationOptions(at.found.uid, at.account, 'passkey');
  });

  router.post('/interaction/:uid/passkey-offer', async (ctx) => {
    const at = await held(ctx);
    if (!at) return;
    const { fields, problem } = await readPageForm(ctx, offerForm());
    if (problem) return showOffer(ctx, at.found, problem.message);
    const result = await ceremonies.register(fields, at.found.uid, at.account, 'passkey', fields.Name);
    if (!result.ok) return showOffer(ctx, at.found, result.problem);
    await pages.finish(ctx, at.found, result.account, at.completion.withTwoFactor, 'pwd', at.completion.secondFactor);
  });

  router.post('/interaction/:uid/passkey-offer/skip', async (ctx) => {
    const at = await held(ctx);
    if (!at) return;
    const account = (await pages.accounts.update(at.account.sub, (current) => ({ ...current, passkeyOfferDeclined: true }))) ?? at.account;
    await pages.finish(ctx, at.found, account, at.completion.withTwoFactor, 'pwd', at.completion.secondFactor);
  });
}
