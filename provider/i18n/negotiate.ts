import type { Context } from 'koa';
import { LANGUAGES, type Language } from './messages.js';

/** `ui_locales` (space-separated, in order of preference) first, then Accept-Language, then English. */
export function negotiateLanguage(ctx: Pick<Context, 'acceptsLanguages'>, uiLocales?: unknown): Language {
  if (typeof uiLocales === 'string') {
    for (const tag of uiLocales.split(' ')) {
      const primary = tag.split('-')[0]?.toLowerCase();
      const match = LANGUAGES.find((language) => language === primary);
      if (match) return match;
    }
  }
  const accepted = ctx.acceptsLanguages([...LANGUAGES]);
  return typeof accepted === 'string' ? (accepted as Language) : 'en';
}
