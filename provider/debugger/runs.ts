import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { Store } from '../store/index.js';
import type { Clock } from '../time/index.js';
import { DEBUGGER_PATH } from './internal-client.js';

export type ResponseMode = 'query' | 'form_post' | 'fragment';
export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'form_post', 'fragment'];

/** What the debugger's form asks the sign-in to be. */
export interface SignInOptions {
  clientId: string;
  loginHint?: string | undefined;
  acrValues?: string | undefined;
  prompt?: string | undefined;
  maxAge?: number | undefined;
  uiLocales?: string | undefined;
  responseMode: ResponseMode;
  scopes: string[];
}

/** An answer of one of the emulator's endpoints, as the debugger received it. */
export interface EndpointAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
  /** The body when it is not JSON, or why there was none. */
  text: string;
}

/** What happened last, for the result page to say. */
export interface RunNotice {
  kind: 'done' | 'failed';
  text: string;
}

/**
 * One sign-in the debugger started, kept server-side: the browser holds only a signed cookie naming
 * it. The PKCE verifier, state and nonce never leave the server.
 */
export interface DebuggerRun {
  id: string;
  options: SignInOptions;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  startedAt: number;
  /** The latest token response (after the code, or after the last refresh). */
  tokens?: Record<string, unknown> | undefined;
  userinfo?: EndpointAnswer | undefined;
  refreshes: number;
  notice?: RunNotice | undefined;
}

const COOKIE = 'mvc.debugger';
/** Long enough to refresh after a trip in time (refresh tokens live 14 days by default). */
const RUN_SECONDS = 31 * 24 * 60 * 60;
const runKey = (id: string) => `debugger-run:${id}`;
const random = () => randomBytes(24).toString('base64url');

export const codeChallengeOf = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** The debugger's sign-ins, each named by the browser's signed, http-only cookie. */
export class DebuggerRuns {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** A new sign-in with fresh state, nonce and PKCE verifier; the browser's cookie now names it. */
  async start(ctx: Context, options: SignInOptions, redirectUri: string): Promise<DebuggerRun> {
    const run: DebuggerRun = { id: random(), options, state: random(), nonce: random(), codeVerifier: random() + random(), redirectUri, startedAt: this.#clock.nowSeconds(), refreshes: 0 };
    await this.#store.set(runKey(run.id), run, RUN_SECONDS);
    ctx.cookies.set(COOKIE, run.id, { signed: true, httpOnly: true, sameSite: 'lax', path: DEBUGGER_PATH, overwrite: true });
    return run;
  }

  /** The sign-in this browser's cookie names, if the cookie is genuine and the run still kept. */
  async current(ctx: Context): Promise<DebuggerRun | undefined> {
    const id = ctx.cookies.get(COOKIE, { signed: true });
    return id ? this.#store.get<DebuggerRun>(runKey(id)) : undefined;
  }

  async save(run: DebuggerRun): Promise<void> {
    await this.#store.set(runKey(run.id), run, RUN_SECONDS);
  }

  async forget(ctx: Context, run: DebuggerRun): Promise<void> {
    await this.#store.delete(runKey(run.id));
    ctx.cookies.set(COOKIE, null, { signed: true, path: DEBUGGER_PATH });
  }
}
