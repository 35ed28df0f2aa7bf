import type { Context } from 'koa';
import { negotiateLanguage, type MessageKey } from '../i18n/index.js';
import { renderPage } from './views.js';

export interface MessagePage {
  heading: MessageKey;
  lines: MessageKey[];
  /** `{name}` in the lines is replaced by `vars.name`. */
  vars?: Record<string, string>;
  link?: { url: string; label: MessageKey };
  status?: number;
}

/** A page that only tells something: a heading, a few lines, perhaps a link on. */
export function showMessage(ctx: Context, page: MessagePage): void {
  ctx.status = page.status ?? 200;
  ctx.type = 'html';
  ctx.body = renderPage('message', { title: page.heading, language: negotiateLanguage(ctx), vars: {}, ...page });
}
