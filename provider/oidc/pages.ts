import type { KoaContextWithOIDC } from 'oidc-provider';
import { sendPage } from '../http/index.js';
import { negotiateLanguage } from '../i18n/index.js';

/** oidc-provider's hooks for the pages it shows itself: errors and the end-session steps. */
const language = (ctx: KoaContextWithOIDC) => negotiateLanguage(ctx, ctx.oidc?.params?.['ui_locales']);

export async function renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): Promise<void> {
  // Back at a finished or expired sign-in's resume step (the back button): say so, as the login pages do.
  const explanation = ctx.oidc?.route === 'resume' ? 'interactionExpired' : undefined;
  sendPage(ctx, 'error', { language: language(ctx), error: out.error, description: out.error_description, explanation }, ctx.status);
}

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  sendPage(ctx, 'logout', { language: language(ctx), form });
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  sendPage(ctx, 'logged-out', { language: language(ctx) });
}
