import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import { projectPath } from '../config/index.js';
import { MESSAGES, type Language, type MessageKey, type Messages } from '../i18n/index.js';

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

/** The pages, each with the message that is its title. */
const PAGE_TITLES = {
  identifier: 'signInTitle',
  password: 'signInTitle',
  'two-factor': 'twoFactorTitle',
  enroll: 'enrollTitle',
  'emergency-code': 'emergencyTitle',
  forgot: 'forgotTitle',
  'check-inbox': 'checkInboxTitle',
  'set-password': 'setPasswordTitle',
  error: 'errorTitle',
  logout: 'logoutTitle',
  'logged-out': 'loggedOutTitle',
  account: 'accountTitle',
  mailbox: 'mailboxTitle',
} as const satisfies Record<string, MessageKey>;

/** Pages whose title depends on what they show: a message page is titled by its heading, a mail by its subject. */
type SelfTitledPage = 'message' | 'mail';
export type PageName = keyof typeof PAGE_TITLES | SelfTitledPage;

/** A title: a message, with the values of its `{name}` placeholders if it has any. */
export type PageTitle = MessageKey | { key: MessageKey; vars: Record<string, string> };

export interface PageData {
  language: Language;
  [key: string]: unknown;
}

/** Renders a template without the page layout (mail bodies). */
export function renderTemplate(name: string, data: Record<string, unknown>): string {
  return template(name)(data);
}

/** Renders a page inside the shared layout, with `t` (the page's messages) available to both and its title translated. */
export function renderPage(page: keyof typeof PAGE_TITLES, data: PageData & { title?: never }): string;
export function renderPage(page: SelfTitledPage, data: PageData & { title: PageTitle }): string;
export function renderPage(page: PageName, data: PageData & { title?: PageTitle }): string {
  const t = MESSAGES[data.language];
  const title = translate(t, data.title ?? PAGE_TITLES[page as keyof typeof PAGE_TITLES]);
  const body = template(page)({ ...data, t });
  return template('layout')({ ...data, t, title, body });
}

function translate(t: Messages, title: PageTitle): string {
  if (typeof title === 'string') return t[title];
  return Object.entries(title.vars).reduce((text, [name, value]) => text.split(`{${name}}`).join(value), t[title.key]);
}
