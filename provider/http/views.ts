import { readFileSync } from 'node:fs';
import ejs from 'ejs';
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

/** Renders a page inside the shared layout, with `t` (the page's messages) available to both. */
export function renderPage(page: string, data: PageData): string {
  const t = MESSAGES[data.language];
  const body = template(page)({ ...data, t });
  return template('layout')({ ...data, t, body });
}
