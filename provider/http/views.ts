import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import type { Context } from 'koa';
import { projectPath } from '../config/index.js';
import { MESSAGES, type Language, type MessageKey, type Messages } from '../i18n/index.js';

type Template = (data: Record<string, unknown>) => string;

const compiled = new Map<string, Template>();

/** Control characters HTML has no place for (a NUL a form echoes back, say): shown as U+FFFD, as a parser would read them. */
const NOT_IN_HTML = /[^\P{Cc}\t\n\r]/gu;

/** EJS's escaping (undefined and null as nothing), and no control character passed on as it came. */
const escapeHtml = (value: unknown): string => ejs.escapeXML(value).replace(NOT_IN_HTML, '\uFFFD');

/** Compiles each template once, on first use, so start-up pays nothing for pages never shown. */
function template(name: string): Template {
  let fn = compiled.get(name);
  if (!fn) {
    const filename = projectPath('views', `${name}.ejs`);
    // cache: includes (the validation summary) are compiled once too, not at every render. Includes
    // name their file from `root` (`include('/_csrf')`): a relative one is looked for on disk at every render.
    fn = ejs.compile(readFileSync(filename, 'utf8'), { filename, root: projectPath('views'), async: false, cache: true, escape: escapeHtml });
    compiled.set(name, fn);
  }
  return fn;
}

/** The pages, each with the message that is its title. */
const PAGE_TITLES = {
  identifier: 'signInTitle',
  password: 'signInTitle',
  'two-factor': 'twoFactorTitle',
  'another-way': 'anotherWayTitle',
  'use-emergency-code': 'useEmergencyCodeTitle',
  'lost-authenticator': 'lostAuthenticatorTitle',
  'lost-security-key': 'lostSecurityKeyTitle',
  enroll: 'enrollTitle',
  'enroll-security-key': 'enrollTitle',
  'emergency-code': 'emergencyTitle',
  forgot: 'forgotTitle',
  'check-inbox': 'checkInboxTitle',
  'set-password': 'setPasswordTitle',
  error: 'errorTitle',
  logout: 'logoutTitle',
  'logged-out': 'loggedOutTitle',
  'frontchannel-logout': 'logoutTitle',
  account: 'accountTitle',
  'security-key': 'securityKeyTitle',
  'passkey-offer': 'passkeyOfferTitle',
  mailbox: 'mailboxTitle',
  debugger: 'debuggerTitle',
  'debugger-result': 'debuggerResultTitle',
  'debugger-problem': 'debuggerTitle',
  'debugger-fragment': 'debuggerTitle',
  'control-room': 'controlRoomTitle',
  decisions: 'decisionsTitle',
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

/**
 * `{name}` in a message replaced by `vars.name`. A replacer function, not a replacement string: in
 * one, `$'`, `$&` and `$$` in a client's name or a typed address would be expanded.
 */
export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name]! : whole));
}

/** Renders a page inside the shared layout, with `t` (the page's messages) and `fill` available to both and its title translated. */
export function renderPage(page: keyof typeof PAGE_TITLES, data: PageData & { title?: never }): string;
export function renderPage(page: SelfTitledPage, data: PageData & { title: PageTitle }): string;
export function renderPage(page: PageName, data: PageData & { title?: PageTitle }): string {
  const t = MESSAGES[data.language];
  const title = translate(t, data.title ?? PAGE_TITLES[page as keyof typeof PAGE_TITLES]);
  const body = template(page)({ ...data, t, fill });
  return template('layout')({ ...data, t, fill, title, body });
}

function translate(t: Messages, title: PageTitle): string {
  return typeof title === 'string' ? t[title] : fill(t[title.key], title.vars);
}

/**
 * Answers with one of our HTML pages. Each says it must not be framed (clickjacking): per page, not
 * for the whole server, so a page meant for an RP's iframe can say otherwise.
 */
export function sendPage(ctx: Context, page: keyof typeof PAGE_TITLES, data: PageData & { title?: never }, status?: number): void;
export function sendPage(ctx: Context, page: SelfTitledPage, data: PageData & { title: PageTitle }, status?: number): void;
export function sendPage(ctx: Context, page: PageName, data: PageData & { title?: PageTitle }, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('x-frame-options', 'DENY');
  ctx.set('content-security-policy', "frame-ancestors 'none'");
  ctx.body = renderPage(page as SelfTitledPage, data as PageData & { title: PageTitle });
}
