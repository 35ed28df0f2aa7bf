import type { Router } from '@koa/router';
import type { Context } from 'koa';
import * as z from 'zod';
import { hasSecondFactor, type Account, type AccountRepository } from '../accounts/index.js';
import { readPageForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import { ceremonyAnswerFields, credentialNameText, credentialsOf, type WebAuthnCeremonies } from '../webauthn/index.js';

const passkeyForm = z.object({ ...ceremonyAnswerFields(), Name: credentialNameText() });
const renameForm = z.object({ Name: credentialNameText() });

export interface CredentialSettingsDependencies {
  accounts: AccountRepository;
  ceremonies: WebAuthnCeremonies;
  signedIn: (ctx: Context) => Promise<Account | undefined>;
  sessionId: (ctx: Context) => Promise<string>;
  overview: (ctx: Context, account: Account, notice?: MessageKey, problems?: MessageKey[], field?: string) => Promise<void>;
  domainRequiresTwoFactor: (account: Account) => Promise<boolean>;
}

/**
 * Passkeys and security keys in Account Settings: create a passkey, rename or delete any of them. The
 * last second factor of a user whose domain requires 2FA stays. The ceremony is bound to the session.
 */
export function credentialSettingsRoutes(router: Router, { accounts, ceremonies, signedIn, sessionId, overview, domainRequiresTwoFactor }: CredentialSettingsDependencies): void {
  const binding = async (ctx: Context) => `account-settings:${await sessionId(ctx)}`;

  router.post('/passkeys/options', async (ctx) => {
    const account = await signedIn(ctx);
    if (account) ctx.body = await ceremonies.registrationOptions(await binding(ctx), account, 'passkey');
  });

  router.post('/passkeys', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    const { fields: form, problem } = await readPageForm(ctx, passkeyForm);
    if (problem) return overview(ctx, account, undefined, [problem.message], 'passkey-button');
    const result = await ceremonies.register(form, await binding(ctx), account, 'passkey', form.Name);
    if (!result.ok) return overview(ctx, account, undefined, [result.problem], 'passkey-button');
    await overview(ctx, result.account, 'credentialAdded');
  });

  router.post('/credentials/:id/rename', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    const id = String(ctx['params'].id);
    const { fields, problem } = await readPageForm(ctx, renameForm);
    const name = fields?.Name ?? '';
    if (problem || name === '') return overview(ctx, account, undefined, ['credentialNameInvalid'], `name-${id}`);
    const changed = await changeCredentials(account, (credentials) => (credentials.some((credential) => credential.id === id) ? credentials.map((credential) => (credential.id === id ? { ...credential, name } : credential)) : undefined));
    if (!changed) return overview(ctx, account, undefined, ['credentialNotFound'], 'credentials-heading');
    await overview(ctx, changed, 'credentialRenamed');
  });

  router.post('/credentials/:id/delete', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    const id = String(ctx['params'].id);
    const required = await domainRequiresTwoFactor(account);
    let lastSecondFactor = false;
    const changed = await changeCredentials(account, (credentials, current) => {
      const doomed = credentials.find((credential) => credential.id === id);
      if (!doomed) return undefined;
      const rest = credentials.filter((credential) => credential.id !== id);
      lastSecondFactor = required && hasSecondFactor(current) && !hasSecondFactor({ ...current, webauthnCredentials: rest });
      return lastSecondFactor ? undefined : rest;
    });
    if (lastSecondFactor) return overview(ctx, account, undefined, ['securityKeyRequiredByDomain'], 'credentials-heading');
    if (!changed) return overview(ctx, account, undefined, ['credentialNotFound'], 'credentials-heading');
    await overview(ctx, changed, 'credentialDeleted');
  });

  /** One atomic change of the account's credentials; undefined when `change` left them. */
  async function changeCredentials(account: Account, change: (credentials: ReturnType<typeof credentialsOf>, current: Account) => ReturnType<typeof credentialsOf> | undefined): Promise<Account | undefined> {
    let changed = false;
    const after = await accounts.update(account.sub, (current) => {
      const next = change(credentialsOf(current), current);
      changed = next !== undefined;
      return next && { ...current, webauthnCredentials: next };
    });
    return changed ? after : undefined;
  }
}
