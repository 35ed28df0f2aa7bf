import type { Context } from 'koa';
import { negotiateLanguage, type MessageKey } from '../i18n/index.js';
import { sendPage } from './views.js';

export interface MessagePage {
  heading: MessageKey;
  lines: MessageKey[];
  /** `{name}` in the lines is replaced by `vars.name`. */
  vars?: Record<string, string>;
  link?: { url: string; label: MessageKey };
  /** A button that POSTs to `action` (what a link must not do: a prefetcher would follow it). */
  form?: { action: string; label: MessageKey };
  status?: number;
}

/** A page that only tells something: a heading, a few lines, perhaps a link or a button on. */
export function showMessage(ctx: Context, page: MessagePage): void {
  sendPage(ctx, 'message', { title: page.heading, language: negotiateLanguage(ctx), vars: {}, ...page }, page.status ?? 200);
}
