import { appAnswer, loginPageOf, redeemCode } from '../../provider/testing/sign-in.js';
import { textOf, validationMessages } from '../../provider/testing/web/index.js';
import type { Prompt } from './schema.js';
import type { BrowserState, World } from './world.js';

/** Where a sign-in stands after a browser's last page. */
export interface Outcome {
  prompt: Prompt;
  error?: string;
  message?: string;
  claims?: Record<string, unknown>;
}

/** Reads the browser's page; back at the app with a code, redeems it (PKCE) and checks the ID token's signature. */
export async function outcomeOf(world: World, state: BrowserState): Promise<Outcome> {
  const page = state.browser.current();
  const answer = appAnswer(page);
  if (answer) {
    if (answer.error) return { prompt: 'error', error: answer.error };
    if (!answer.code || !state.login) return { prompt: 'error', error: 'no code in the answer' };
    const login = state.login;
    const tokens = await redeemCode(world.target, login, answer.code, world.client(login.clientId).secret);
    state.tokens = { clientId: login.clientId, ...tokens };
    state.login = undefined;
    return { prompt: 'none', claims: tokens.claims };
  }
  const kind = loginPageOf(page);
  if (kind === undefined) return { prompt: 'error', error: textOf(page, 'error-code') ?? `page ${page.status} at ${page.url}` };
  return kind === 'emergency-code' ? { prompt: kind } : { prompt: kind, message: validationMessages(page).join(' ') };
}
