import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { hashEmergencyCode, matchTotp, newEmergencyCode, newPasswordProblems, newTotpSecret, otpauthUri, qrCodeDataUrl, hashPassword, verifyPassword, withPasswordHash, type Account, type AccountRepository, type LoginLockout, type TwoFactorAttempts } from '../accounts/index.js';
import { domainKey, type DomainFixture } from '../fixtures/index.js';
import { guardedRouter, noStore, readForm, sameSiteForms, sendPage, type CsrfTokens } from '../http/index.js';
import { negotiateLanguage, type MessageKey } from '../i18n/index.js';
import type { AccountMails } from '../mail/index.js';
import type { Store } from '../store/index.js';
import { ACCOUNT_CALLBACK_PATH, ACCOUNT_PATH, signInUrl } from './internal-client.js';

export interface AccountSettingsDependencies {
  provider: Provider;
  accounts: AccountRepository;
  attempts: TwoFactorAttempts;
  store: Store;
  issuer: string;
  mails: AccountMails;
  lockout: LoginLockout;
  passwordHashCost: number;
  formTokens: CsrfTokens;
}

const SETUP_SECONDS = 30 * 60;
const setupKey = (sub: string) => `account-setup:${sub}`;

/**
 * Account settings for the signed-in user: set up or remove 2FA (not when the e-mail domain requires
 * it) and show a new emergency code. The session cookie alone authenticates, and SameSite=Lax does
 * not keep out a page on another localhost port: every form carries a token bound to the session,
 * and a post from another site is refused before that.
 */
export function accountSettingsRoutes({ provider, accounts, attempts, store, issuer, mails, lockout, passwordHashCost, formTokens }: AccountSettingsDependencies): Router {
  const sessionId = async (ctx: Context): Promise<string> => (ctx.state['sessionId'] ??= (await provider.Session.get(ctx)).jti);
  const back = { url: ACCOUNT_PATH, label: 'goToAccount' } as const;
  const router = guardedRouter(ACCOUNT_PATH, noStore(), sameSiteForms(issuer, back), formTokens.guard(sessionId, back));

  async function signedIn(ctx: Context): Promise<Account | undefined> {
    const session = await provider.Session.get(ctx);
    const account = session.accountId ? await accounts.findBySub(session.accountId) : undefined;
    if (!account) ctx.redirect(signInUrl(issuer, negotiateLanguage(ctx)));
    return account;
  }

  async function domainRequiresTwoFactor(account: Account): Promise<boolean> {
    const domain = account.email.slice(account.email.lastIndexOf('@') + 1);
    return (await store.get<DomainFixture>(domainKey(domain)))?.twoFactor === 'required';
  }

  async function overview(ctx: Context, account: Account, notice?: MessageKey, problems: MessageKey[] = [], field = 'two-factor') {
    sendPage(ctx, 'account', {
      language: negotiateLanguage(ctx),
      email: account.email,
      hasPassword: account.passwordHash !== undefined,
      enrolled: account.totpSecret !== undefined,
      removable: !(await domainRequiresTwoFactor(account)),
      csrfToken: formTokens.tokenFor(await sessionId(ctx)),
      notice,
      errors: problems.map((message) => ({ field, message })),
    });
  }

  async function setupPage(ctx: Context, account: Account, secret: string, problem?: MessageKey) {
    const uri = await otpauthUri(account.email, secret);
    sendPage(ctx, 'enroll', {
      language: negotiateLanguage(ctx),
      optional: true,
      action: `${ACCOUNT_PATH}/two-factor/setup`,
      laterAction: undefined,
      qrCode: await qrCodeDataUrl(uri),
      uri,
      secret: secret.replace(/(.{4})/g, '$1 ').trim(),
      csrfToken: formTokens.tokenFor(await sessionId(ctx)),
      errors: problem ? [{ field: 'AuthCode', message: problem }] : [],
    });
  }

  function showEmergencyCode(ctx: Context, code: string) {
    sendPage(ctx, 'emergency-code', { language: negotiateLanguage(ctx), code, afterUse: false, action: ACCOUNT_PATH, method: 'get' });
  }

  router.get('/', async (ctx) => {
    const account = await signedIn(ctx);
    if (account) await overview(ctx, account);
  });

  // Where the built-in client's sign-in comes back: the session now exists; the code is not needed.
  router.get(ACCOUNT_CALLBACK_PATH.slice(ACCOUNT_PATH.length), (ctx) => ctx.redirect(ACCOUNT_PATH));

  router.get('/two-factor/setup', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    if (account.totpSecret) return overview(ctx, account, undefined, ['twoFactorAlreadyOn']);
    const secret = (await store.get<string>(setupKey(account.sub))) ?? (await newTotpSecret());
    await store.set(setupKey(account.sub), secret, SETUP_SECONDS);
    await setupPage(ctx, account, secret);
  });

  router.post('/two-factor/setup', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    const secret = await store.get<string>(setupKey(account.sub));
    if (!secret) return ctx.redirect(`${ACCOUNT_PATH}/two-factor/setup`);
    const code = ((await readForm(ctx))['AuthCode'] ?? '').trim();
    if (code === '') return setupPage(ctx, account, secret, 'codeRequired');
    const timeStep = await matchTotp(secret, code, Math.floor(Date.now() / 1000));
    if (timeStep === undefined) return setupPage(ctx, account, secret, 'codeWrong');
    const emergencyCode = newEmergencyCode();
    await accounts.update(account.sub, (current) => ({ ...current, totpSecret: secret, emergencyCodeHash: hashEmergencyCode(emergencyCode) }));
    await store.delete(setupKey(account.sub));
    await attempts.forget(account.sub);
    await attempts.useTimeStep(account.sub, timeStep);
    showEmergencyCode(ctx, emergencyCode);
  });

  router.post('/two-factor/remove', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    if (!account.totpSecret) return overview(ctx, account);
    if (await domainRequiresTwoFactor(account)) return overview(ctx, account, undefined, ['twoFactorRequiredByDomain']);
    await accounts.update(account.sub, (current) => ({ ...current, totpSecret: undefined, emergencyCodeHash: undefined }));
    await attempts.forget(account.sub);
    await overview(ctx, { ...account, totpSecret: undefined }, 'twoFactorRemoved');
  });

  router.post('/emergency-code', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    if (!account.totpSecret) return overview(ctx, account, undefined, ['twoFactorOffNoEmergencyCode']);
    const emergencyCode = newEmergencyCode();
    await accounts.update(account.sub, (current) => ({ ...current, emergencyCodeHash: hashEmergencyCode(emergencyCode) }));
    showEmergencyCode(ctx, emergencyCode);
  });

  router.post('/password', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    const form = await readForm(ctx);
    if (account.passwordHash !== undefined && !(await verifyPassword(form['CurrentPassword'] ?? '', account.passwordHash))) {
      return overview(ctx, account, undefined, ['currentPasswordWrong'], 'CurrentPassword');
    }
    const problems = await newPasswordProblems(account, form['Password'] ?? '', form['ConfirmPassword'] ?? '');
    if (problems.length) return overview(ctx, account, undefined, problems, 'Password');
    const passwordHash = await hashPassword(form['Password']!, passwordHashCost);
    const changed = (await accounts.update(account.sub, (current) => withPasswordHash(current, passwordHash)))!;
    await lockout.unlock(account.sub);
    await overview(ctx, changed, 'passwordChangedNotice');
  });

  router.post('/links', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    if ((await readForm(ctx))['Choice'] === 'link') await mails.oneTimeLink(account);
    else await mails.passwordReset(account);
    await overview(ctx, account, 'mailSentNotice');
  });

  return router;
}
