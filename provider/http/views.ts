import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import type { Context } from 'koa';
import { projectPath } from '../config/index.js';
import { MESSAGES, type Language } from '../i18n/index.js';

type Template = (data: Record<string, unknown>) => string;

const compiled = new Map<string, Template>();

/** Compiles each template once, on first use, so start-up pays nothing for pages never shown. */
function template(name: string): Template {
  let fn = compiled.get(name);
  if (!fn) {
    const filename = projectPath('views', `${name}.ejs`);
    // cache: includes (the validation summary) are compiled once too, not at every render.
    fn = ejs.compile(readFileSync(filename, 'utf8'), { filename, async: false, cache: true }) as Template;
    compiled.set(name, fn);
  }
  return fn;
}

export interface PageData {
  title: string;
  language: Language;
  [key: string]: unknown;
}

/** Renders a template without the page layout (mail bodies). */
export function renderTemplate(name: string, data: Record<string, unknown>): string {
  return template(name)(data);
}

/**
 * `{name}` in a message replaced by `vars.name`. A replacer function, not a replacement string: in
 * one, `$'`, `$&` and `$$` in a client's name or a typed address would be expanded.
 */
export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name]! : whole));
}

/** Renders a page inside the shared layout, with `t` (the page's messages) and `fill` available to both. */
function renderPage(page: string, data: PageData): string {
  const t = MESSAGES[data.language];
  const body = template(page)({ ...data, t, fill });
  return template('layout')({ ...data, t, fill, body });
}

/**
 * Answers with one of our HTML pages. Each says it must not be framed (clickjacking): per page, not
 * for the whole server, so a page meant for an RP's iframe can say otherwise.
 */
export function sendPage(ctx: Context, page: string, data: PageData, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('x-frame-options', 'DENY');
  ctx.set('content-security-policy', "frame-ancestors 'none'");
  ctx.body = renderPage(page, data);
}
