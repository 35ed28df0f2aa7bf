import { randomBytes } from 'node:crypto';
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { controlGuards, FAULT_ENDPOINTS, parseClockMove, parseFault, parseRiskOverride, whoMayControl, type ControlAccess, type Faults, type FixtureOverlayDependencies } from '../control/index.js';
import { DomainError, InvalidRequest } from '../errors/index.js';
import { guardedRouter, readFormFields, sameSiteForms, sendPage, type CsrfTokens, type Logger } from '../http/index.js';
import { negotiateLanguage } from '../i18n/index.js';
import type { RiskOverride, RiskOverrides } from '../risk/index.js';
import { ClockRangeError, type SharedClock } from '../time/index.js';
import type { DecisionLog } from '../twofactor/index.js';
import { OUTCOMES } from './legend.js';
import { editFixtures, EXAMPLE_OVERLAY, type FixtureEdit } from './fixture-editor.js';
import { twoFactorMatrix, type MatrixRisk } from './matrix.js';
import { clockForm, faultForm, fixturesForm, refusedField, riskForm, type ClockForm, type FaultForm } from './room-forms.js';
import { roomLinks, type RoomLinks } from './room-links.js';
import { readWorld, type WorldDependencies } from './world.js';

export interface ControlRoomDependencies extends WorldDependencies, FixtureOverlayDependencies {
  access: ControlAccess;
  logger: Logger;
  clock: SharedClock;
  overrides: RiskOverrides;
  decisions: DecisionLog;
  faults: Faults;
  /** Binds the room's forms to the browser that opened the room. */
  formTokens: CsrfTokens;
  reset: () => Promise<void>;
}

/** The "advance by" buttons: 30 s (a TOTP step), 31 min (past a lockout), 10 h (a session), 30 days (a remembered device). */
const CLOCK_STEPS = [
  { seconds: 30, label: '30 s' },
  { seconds: 31 * 60, label: '31 min' },
  { seconds: 10 * 60 * 60, label: '10 h' },
  { seconds: 30 * 24 * 60 * 60, label: '30 days' },
] as const;

/** What a form did, shown once at the top of the room after it redirected back. */
const NOTICES = {
  clock: 'The clock moved.',
  reset: 'Back to the loaded fixtures: accounts, sessions, mails, clock, risk and decisions.',
  risk: 'The risk of the next sign-ins is saved.',
  fault: 'The fault is queued.',
  'faults-cleared': 'No faults are queued any more.',
  fixtures: 'The fixtures are merged.',
} as const;
type Notice = keyof typeof NOTICES;

/** Where a form error is shown: next to the form that caused it. */
type FormName = 'clock' | 'risk' | 'fault';

/** Scripts and styles of our own origin only; the live parts are /assets/control-room.js. */
const ROOM_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const ROOM_COOKIE = 'mvc_room';
/** The room shows the newest decisions; `/_mock/decisions` shows them all. */
const ROOM_DECISIONS = 50;
const BACK = { url: '/_mock', label: 'backToControlRoom' } as const;

/**
 * The control room: `/_mock` (and `/_mock/decisions`) in a browser, for requests that prefer HTML;
 * scripts asking for JSON reach the control plane's routes unchanged. Its forms post to `/_mock/room/*`
 * behind the control plane's access guards, from this origin only and with the room's form token.
 */
export function controlRoomRoutes(deps: ControlRoomDependencies): Router[] {
  const { access } = deps;
  const pages = guardedRouter('/_mock', ...controlGuards(access));
  pages.get('/', async (ctx, next) => {
    if (prefersHtml(ctx)) await showRoom(ctx, deps);
    else await next();
  });
  pages.get('/decisions', async (ctx, next) => {
    if (!prefersHtml(ctx)) {
      await next();
      return;
    }
    sendRoomPage(ctx, 'decisions', { decisions: await newestDecisions(deps), links: roomLinks(ctx) });
  });

  const forms = guardedRouter('/_mock/room', ...whoMayControl(access), sameSiteForms(access.issuer, BACK), deps.formTokens.guard(roomSession, BACK));
  forms.post('/clock', async (ctx) => {
    const { fields, problem } = await readFormFields(ctx, clockForm());
    if (problem) return formError(ctx, deps, 'clock', refusedField(problem));
    try {
      await moveClock(deps.clock, fields);
    } catch (error) {
      return formError(ctx, deps, 'clock', error);
    }
    deps.logger.info(`clock moved from the control room: now ${deps.clock.read().iso}`);
    backToRoom(ctx, 'clock', 'clock');
  });

  forms.post('/reset', async (ctx) => {
    await deps.reset();
    deps.logger.info('reset to the loaded fixtures from the control room');
    backToRoom(ctx, 'reset');
  });

  forms.post('/risk', async (ctx) => {
    const { fields, problem } = await readFormFields(ctx, riskForm());
    if (problem) return formError(ctx, deps, 'risk', refusedField(problem));
    const { trustedNetwork, clientIp } = fields;
    const typed = { ...(trustedNetwork !== '' && { trustedNetwork: trustedNetwork === 'true' }), ...(clientIp !== '' && { clientIp }) };
    try {
      await deps.overrides.set(parseRiskOverride(typed));
    } catch (error) {
      return formError(ctx, deps, 'risk', error, { override: typed });
    }
    backToRoom(ctx, 'risk', 'risk');
  });

  forms.post('/faults', async (ctx) => {
    const { fields, problem } = await readFormFields(ctx, faultForm());
    if (problem) return formError(ctx, deps, 'fault', refusedField(problem));
    try {
      await deps.faults.add(parseFault(faultFields(fields)));
    } catch (error) {
      return formError(ctx, deps, 'fault', error);
    }
    backToRoom(ctx, 'fault', 'faults');
  });

  forms.post('/faults/clear', async (ctx) => {
    await deps.faults.clear();
    backToRoom(ctx, 'faults-cleared', 'faults');
  });

  forms.post('/fixtures', async (ctx) => {
    const { fields, problem } = await readFormFields(ctx, fixturesForm());
    if (problem) return showRoom(ctx, deps, { fixtures: { yaml: '', problems: [{ path: problem.field, reason: problem.message }], checked: undefined, merged: false } }, 400);
    const edit = await editFixtures(deps, fields.yaml, fields.action === 'apply');
    if (edit.merged) return backToRoom(ctx, 'fixtures', 'fixtures');
    await showRoom(ctx, deps, { fixtures: edit }, edit.problems.length ? 400 : 200);
  });

  return [pages, forms];
}

/** The room answers browsers; a script that prefers JSON (or says nothing) goes on to the control plane's own route. */
const prefersHtml = (ctx: Context): boolean => ctx.accepts('json', 'html') === 'html';

interface RoomState {
  /** The risk form as it was typed, when it was refused. */
  override?: RiskOverride;
  errors?: Partial<Record<FormName, string>>;
  fixtures?: FixtureEdit;
}

async function showRoom(ctx: Context, deps: ControlRoomDependencies, state: RoomState = {}, status = 200): Promise<void> {
  const now = deps.clock.read();
  const risk = matrixRisk(ctx);
  const [world, decisions, saved, faults] = await Promise.all([readWorld(deps, now.now), newestDecisions(deps), deps.overrides.get(), deps.faults.list()]);
  const done = ctx.query['done'];
  sendRoomPage(
    ctx,
    'control-room',
    {
      world,
      matrix: twoFactorMatrix(world, risk, now.now),
      decisions: decisions.slice(0, ROOM_DECISIONS),
      decisionCount: decisions.length,
      clock: now,
      clockSteps: CLOCK_STEPS,
      override: state.override ?? saved,
      faults,
      faultEndpoints: Object.keys(FAULT_ENDPOINTS),
      notice: typeof done === 'string' && Object.hasOwn(NOTICES, done) ? NOTICES[done as Notice] : undefined,
      errors: state.errors ?? {},
      fixtures: state.fixtures ?? { yaml: EXAMPLE_OVERLAY, problems: [], checked: undefined, merged: false },
      formToken: deps.formTokens.tokenFor(roomSessionFor(ctx)),
      links: roomLinks(ctx),
    },
    status,
  );
}

function sendRoomPage(ctx: Context, page: 'control-room' | 'decisions', data: Record<string, unknown> & { links: RoomLinks }, status = 200): void {
  // Titled in the browser's language as the mailbox is; the room itself is in English.
  sendPage(ctx, page, { language: negotiateLanguage(ctx), outcomes: OUTCOMES, ...data }, status);
  ctx.set('content-security-policy', ROOM_CSP);
  ctx.set('cache-control', 'no-store');
}

/** The risk switches of the matrix form (a GET form: each switch is on when present). */
function matrixRisk(ctx: Context): MatrixRisk {
  const on = (name: string) => ctx.query[name] === 'on';
  return { trustedNetwork: on('trustedNetwork'), rememberedDevice: on('rememberedDevice'), stepUp: on('stepUp') };
}

async function newestDecisions({ decisions }: ControlRoomDependencies) {
  return (await decisions.list()).reverse();
}

async function moveClock(clock: SharedClock, form: ClockForm): Promise<void> {
  if (form.now === 'real') return clock.advance(-clock.read().offsetSeconds);
  const { to } = form;
  // <input type=datetime-local> sends no zone: the room's times are UTC.
  const move = parseClockMove(to !== '' ? { now: /(Z|[+-]\d\d:\d\d)$/i.test(to) ? to : `${to}Z` } : { advanceSeconds: Number(form.advanceSeconds) });
  try {
    if ('advanceSeconds' in move) await clock.advance(move.advanceSeconds);
    else await clock.travelTo(move.nowMs);
  } catch (error) {
    if (error instanceof ClockRangeError) throw new InvalidRequest(`that would move the clock out of range: ${error.message}`);
    throw error;
  }
}

/** The fault form's fields as `POST /_mock/faults` takes them: numbers as numbers, empty fields left out. */
function faultFields(form: FaultForm): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of ['endpoint', 'error', 'errorDescription'] as const) if (form[name]) fields[name] = form[name];
  for (const name of ['count', 'status', 'delayMs'] as const) if (form[name]) fields[name] = Number(form[name]);
  return fields;
}

async function formError(ctx: Context, deps: ControlRoomDependencies, form: FormName, error: unknown, state: RoomState = {}): Promise<void> {
  if (!(error instanceof DomainError)) throw error;
  await showRoom(ctx, deps, { ...state, errors: { [form]: error.description } }, 400);
}

/** Post, redirect, get: a reload does not post the form again. */
function backToRoom(ctx: Context, notice: Notice, section?: string): void {
  ctx.status = 303;
  ctx.redirect(roomLinks(ctx).to('/_mock', { done: notice }, section));
}

/** The browser's room id (a random cookie) that the form token is bound to; given on first sight. */
function roomSessionFor(ctx: Context): string {
  let id = ctx.cookies.get(ROOM_COOKIE, { signed: true });
  if (!id) {
    id = randomBytes(18).toString('base64url');
    ctx.cookies.set(ROOM_COOKIE, id, { signed: true, httpOnly: true, sameSite: 'strict', path: '/_mock', overwrite: true });
  }
  return id;
}

/** A post without the room's cookie gets an id no token was made for. */
const roomSession = async (ctx: Context): Promise<string> => ctx.cookies.get(ROOM_COOKIE, { signed: true }) ?? `none:${randomBytes(9).toString('base64url')}`;
