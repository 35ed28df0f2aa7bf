import type { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Client } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { AccountRepository } from '../accounts/index.js';
import type { AcrSettings } from '../fixtures/index.js';
import { guardedRouter, noStore, readFormFields, sameSiteForms, sendPage, type FieldProblem } from '../http/index.js';
import { negotiateLanguage } from '../i18n/index.js';
import type { DecisionLog } from '../twofactor/index.js';
import { authorizationResponse } from './authorization-response.js';
import type { TokenDecoder } from './decoded-tokens.js';
import type { EndpointClient } from './endpoint-client.js';
import { DEBUGGER_CALLBACK_PATH, DEBUGGER_CLIENT_ID, DEBUGGER_PATH, DEBUGGER_SIGNED_OUT_PATH } from './internal-client.js';
import { authorizeErrorMeaning } from './outcomes.js';
import { resultView } from './result-page.js';
import { codeChallengeOf, type DebuggerRun, type DebuggerRuns, type SignInOptions } from './runs.js';
import { authorizationParams, formValues, readSignInForm } from './sign-in-form.js';
import { textOr } from './text-or.js';

export interface DebuggerDependencies {
  provider: Provider;
  issuer: string;
  runs: DebuggerRuns;
  endpoints: EndpointClient;
  decoder: TokenDecoder;
  decisions: DecisionLog;
  accounts: AccountRepository;
  acrSettings: () => Promise<AcrSettings>;
  /** The clients the form offers: the loaded fixtures' (another id can be typed). */
  clientIds: () => Promise<string[]>;
  /** The control plane's guards (controlGuards): the form and "Start" are the control plane's. */
  guards: Middleware[];
  controlToken: string | undefined;
}

/** What the page says above the form: a notice, or an answer of the emulator that ended a sign-in. */
interface FormMessage {
  notice?: string;
  failure?: { error: string; description: string; meaning: string };
}

const SIGN_IN_GRANT = 'authorization_code';

/**
 * The sign-in debugger at `/_mock/debugger`: a real sign-in as a picked client, through the pages in
 * the browser, and what came back explained. The form and "Start" sit behind the control plane's
 * guards. Everything after is bound to the sign-in "Start" made: a signed, http-only cookie names it
 * (the state, nonce and PKCE verifier stay on the server), and the buttons' posts must come from the
 * emulator's own pages.
 */
export function debuggerRoutes(deps: DebuggerDependencies): Router[] {
  const { provider, issuer, runs, endpoints, decoder, decisions, accounts, acrSettings } = deps;
  const issuerOrigin = new URL(issuer).origin;
  const redirectUri = `${issuer}${DEBUGGER_CALLBACK_PATH}`;
  // With CONTROL_TOKEN set, the way back to the form carries it: only for a browser holding a sign-in that a
  // request with the token started. Anyone else is sent to the bare form, which asks for the token.
  const formUrl = `${DEBUGGER_PATH}${deps.controlToken === undefined ? '' : `?token=${encodeURIComponent(deps.controlToken)}`}`;
  const guarded = guardedRouter(DEBUGGER_PATH, ...deps.guards, noStore());
  const bound = guardedRouter(DEBUGGER_PATH, noStore(), sameSiteForms(issuer, { url: DEBUGGER_PATH, label: 'continueLink' }));

  async function showForm(ctx: Context, values: Record<string, string>, problems: FieldProblem[] = [], message: FormMessage = {}, status = problems.length ? 400 : 200) {
    const clients = await Promise.all([DEBUGGER_CLIENT_ID, ...(await deps.clientIds())].map((id) => provider.Client.find(id)));
    const users = (await accounts.all()).map((account) => account.email).sort();
    sendPage(
      ctx,
      'debugger',
      {
        language: negotiateLanguage(ctx),
        clients: clients.filter((client): client is Client => client !== undefined && signsInUsers(client)).map(describeClient),
        users,
        acr: await acrSettings(),
        values: { response_mode: 'query', scope: 'openid profile email offline_access', ...values },
        problems,
        token: typeof ctx.query['token'] === 'string' ? ctx.query['token'] : deps.controlToken,
        ...message,
      },
      status,
    );
  }

  function showProblem(ctx: Context, heading: string, text: string, back = formUrl) {
    sendPage(ctx, 'debugger-problem', { language: negotiateLanguage(ctx), heading, text, formUrl: back }, 400);
  }

  async function startSignIn(ctx: Context, options: SignInOptions) {
    const run = await runs.start(ctx, options, redirectUri);
    const query = new URLSearchParams({
      ...authorizationParams(options),
      redirect_uri: run.redirectUri,
      state: run.state,
      nonce: run.nonce,
      code_challenge: codeChallengeOf(run.codeVerifier),
      code_challenge_method: 'S256',
    });
    ctx.redirect(`${issuer}/connect/authorize?${query}`);
  }

  /** The run this browser's cookie names, or a page saying there is none. */
  async function currentRun(ctx: Context): Promise<DebuggerRun | undefined> {
    const run = await runs.current(ctx);
    if (!run) showProblem(ctx, 'No sign-in to continue', 'This browser has no sign-in started by the debugger, or it has expired. Start one from the debugger.', DEBUGGER_PATH);
    return run;
  }

  async function clientOf(ctx: Context, run: DebuggerRun): Promise<Client | undefined> {
    const client = await provider.Client.find(run.options.clientId);
    if (!client) showProblem(ctx, 'The client is gone', `No client has the id "${run.options.clientId}" any more (a reset or new fixtures removed it). Start again.`);
    return client;
  }

  guarded.get('/', async (ctx) => {
    const notice = ctx.query['signed_out'] === '1' ? 'Signed out: the session at the emulator has ended. Start a new sign-in.' : undefined;
    const values = Object.fromEntries(Object.entries(ctx.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    await showForm(ctx, values, [], notice ? { notice } : {});
  });

  guarded.get('/start', async (ctx) => {
    // The sign-in's cookies (the emulator's and the debugger's) live on the issuer's origin.
    if (`${ctx.protocol}://${ctx.host}` !== issuerOrigin) return ctx.redirect(`${issuer}${ctx.path}?${ctx.querystring}`);
    const values = Object.fromEntries(Object.entries(ctx.query).map(([name, value]) => [name, [value ?? ''].flat().join(' ')]));
    const form = readSignInForm(ctx.query);
    if ('problems' in form) return showForm(ctx, values, form.problems);
    const client = await provider.Client.find(form.options.clientId);
    if (!client) return showForm(ctx, values, [{ field: 'client', message: `No client has the id "${form.options.clientId}". Pick one of the list.` }]);
    if (!signsInUsers(client)) {
      return showForm(ctx, values, [{ field: 'client', message: `${client.clientId} signs in no users (grant types ${(client.grantTypes ?? []).join(', ')}): pick a client with ${SIGN_IN_GRANT}.` }]);
    }
    await startSignIn(ctx, form.options);
  });

  async function callback(ctx: Context, params: Record<string, unknown>) {
    const run = await currentRun(ctx);
    if (!run) return;
    if (run.options.responseMode === 'fragment' && params['state'] === undefined) {
      // The answer is in the fragment, which only the browser sees: a script sends it back here as a query.
      return sendPage(ctx, 'debugger-fragment', { language: negotiateLanguage(ctx) });
    }
    if (params['state'] !== run.state) {
      return showProblem(ctx, 'State mismatch', `The response's state (${JSON.stringify(params['state'] ?? null)}) is not the state this sign-in sent: it answers another (or an older) sign-in, and a client must refuse it. Start again.`);
    }
    if (params['iss'] !== undefined && params['iss'] !== issuer) {
      return showProblem(ctx, 'Issuer mismatch', `The response's iss (${JSON.stringify(params['iss'])}) is not this emulator's issuer ${issuer} (RFC 9207): refused.`);
    }
    if (typeof params['error'] === 'string') {
      const failure = { error: params['error'], description: typeof params['error_description'] === 'string' ? params['error_description'] : '', meaning: authorizeErrorMeaning(params['error']) };
      return showForm(ctx, formValues(run.options), [], { failure });
    }
    if (typeof params['code'] !== 'string') return showProblem(ctx, 'No code', 'The response carries neither a code nor an error.');
    const client = await clientOf(ctx, run);
    if (!client) return;
    const answer = await endpoints.token(client, { grant_type: SIGN_IN_GRANT, code: params['code'], redirect_uri: run.redirectUri, code_verifier: run.codeVerifier });
    if (answer.status !== 200 || !answer.body) {
      const failure = { error: textOr(answer.body?.['error'], `HTTP ${answer.status}`), description: textOr(answer.body?.['error_description'], answer.text), meaning: 'The token endpoint refused to redeem the code.' };
      return showForm(ctx, formValues(run.options), [], { failure });
    }
    await saveTokens(run, answer.body, 'Signed in: the code was redeemed at the token endpoint.');
    ctx.redirect(`${DEBUGGER_PATH}/result`);
  }

  async function saveTokens(run: DebuggerRun, tokens: Record<string, unknown>, notice: string) {
    const accessToken = tokens['access_token'];
    const userinfo = typeof accessToken === 'string' ? await endpoints.userinfo(accessToken) : undefined;
    // A reusable refresh token is not sent again: the one held stays good.
    const refreshToken = tokens['refresh_token'] ?? run.tokens?.['refresh_token'];
    await runs.save({ ...run, tokens: { ...tokens, ...(refreshToken !== undefined && { refresh_token: refreshToken }) }, userinfo, notice: { kind: 'done', text: notice } });
  }

  bound.get('/callback', async (ctx) => {
    // A HEAD (a prefetcher, a link checker) must not spend the code: only the browser's GET redeems it.
    if (ctx.method === 'HEAD') {
      ctx.status = 204;
      return;
    }
    await callback(ctx, ctx.query);
  });
  bound.post('/callback', async (ctx) => {
    const { fields, problem } = await readFormFields(ctx, authorizationResponse);
    if (problem) return showProblem(ctx, 'Malformed response', `The response's ${problem.field} ${problem.message}: refused. Start again.`);
    await callback(ctx, fields);
  });

  bound.get('/result', async (ctx) => {
    const run = await currentRun(ctx);
    if (!run) return;
    if (!run.tokens) return ctx.redirect(formUrl);
    const client = await clientOf(ctx, run);
    if (!client) return;
    sendPage(ctx, 'debugger-result', { language: negotiateLanguage(ctx), ...(await resultView(run, client, await acrSettings(), decoder, decisions)), formUrl });
  });

  bound.post('/refresh', async (ctx) => {
    const run = await currentRun(ctx);
    if (!run) return;
    const client = await clientOf(ctx, run);
    if (!client) return;
    const refreshToken = run.tokens?.['refresh_token'];
    if (typeof refreshToken !== 'string') {
      await runs.save({ ...run, notice: { kind: 'failed', text: 'No refresh token: ask for offline_access, with a client that has the refresh_token grant.' } });
      return ctx.redirect(`${DEBUGGER_PATH}/result`);
    }
    const answer = await endpoints.token(client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    if (answer.status === 200 && answer.body) {
      await saveTokens({ ...run, refreshes: run.refreshes + 1 }, answer.body, `Refreshed (${run.refreshes + 1}): new tokens from the refresh_token grant.`);
    } else {
      const error = `${textOr(answer.body?.['error'], `HTTP ${answer.status}`)}: ${textOr(answer.body?.['error_description'], answer.text)}`;
      await runs.save({ ...run, notice: { kind: 'failed', text: `The refresh was refused (${error}). The tokens below are the last good ones.` } });
    }
    ctx.redirect(`${DEBUGGER_PATH}/result`);
  });

  bound.post('/step-up', async (ctx) => {
    const run = await currentRun(ctx);
    if (!run) return;
    const acr = await acrSettings();
    // The same session asked for more: prompt is left out, so the session is reused and only the second factor is asked.
    await startSignIn(ctx, { ...run.options, prompt: undefined, acrValues: acr.stepUp[0] ?? acr.twoFactor });
  });

  bound.post('/sign-out', async (ctx) => {
    const run = await currentRun(ctx);
    if (!run) return;
    const idToken = run.tokens?.['id_token'];
    if (typeof idToken !== 'string') {
      await runs.forget(ctx, run);
      return ctx.redirect(formUrl);
    }
    const query = new URLSearchParams({ id_token_hint: idToken, client_id: run.options.clientId, post_logout_redirect_uri: `${issuer}${DEBUGGER_SIGNED_OUT_PATH}`, state: run.state });
    ctx.redirect(`${issuer}/connect/endsession?${query}`);
  });

  bound.get(DEBUGGER_SIGNED_OUT_PATH.slice(DEBUGGER_PATH.length), async (ctx) => {
    const run = await currentRun(ctx);
    if (!run) return;
    if (ctx.query['state'] !== run.state) return showProblem(ctx, 'State mismatch', 'The sign-out came back with a state this sign-in did not send: refused.');
    await runs.forget(ctx, run);
    ctx.redirect(`${formUrl}${formUrl.includes('?') ? '&' : '?'}signed_out=1`);
  });

  return [guarded, bound];
}

function signsInUsers(client: Client): boolean {
  return (client.grantTypes ?? []).includes(SIGN_IN_GRANT) && (client.responseTypes ?? []).includes('code');
}

function describeClient(client: Client) {
  return {
    id: client.clientId,
    name: client.clientName ?? client.clientId,
    twoFactor: textOr(client['twoFactor'], 'default'),
    public: client.tokenEndpointAuthMethod === 'none',
    scopes: (client.scope ?? '').split(' ').filter(Boolean),
  };
}
