import { randomBytes } from 'node:crypto';
import { readForms, type Form, type FormValues } from '../../provider/testing/web/index.js';
import type { StepOf } from './schema.js';
import { checkOutcome, settle, startSignIn, StepFailure } from './steps.js';
import { type BrowserState, whyRefused, type World } from './world.js';

type Answer = StepOf<'passkey'>['passkey']['answer'];

/**
 * Answers a page's WebAuthn ceremony as the user's authenticator would, through the control plane
 * (POST /_mock/webauthn/assertion), or badly as the step asks.
 */
async function answerCeremony(world: World, state: BrowserState, form: Form, user: string, kind: 'passkey' | 'security-key', answer: Answer, extra: FormValues = {}): Promise<void> {
  if (answer === 'cancelled') {
    await state.browser.submit(form, { ...extra, WebAuthnError: 'NotAllowedError' });
    return;
  }
  let response: string | undefined;
  if (answer === 'replayed') {
    response = world.lastAssertions.get(user);
    if (response === undefined) throw new StepFailure([`no earlier answer of ${user}'s ${kind} to replay`]);
  } else {
    const options = (await state.browser.postForJson(`${form.action}/options`)) as { challenge: string };
    const signed = await world.call<{ response: Record<string, unknown> }>('POST', '/_mock/webauthn/assertion', { challenge: options.challenge, email: user, kind, ...(answer === 'wrong-origin' && { origin: 'https://phishing.example' }) });
    if (signed.status !== 200) throw new StepFailure([`POST /_mock/webauthn/assertion answered ${signed.status}: ${whyRefused(signed)}`]);
    const unknownId = randomBytes(16).toString('base64url');
    response = JSON.stringify(answer === 'unknown-credential' ? { ...signed.body.response, id: unknownId, rawId: unknownId } : signed.body.response);
    world.lastAssertions.set(user, response);
  }
  await state.browser.submit(form, { ...extra, WebAuthnResponse: response });
}

const ceremonyForm = (state: BrowserState, ending: string): Form | undefined => readForms(state.browser.current()).find((form) => form.action.endsWith(ending));

export async function passkeyStep(world: World, { passkey, expect }: StepOf<'passkey'>): Promise<void> {
  const state = world.browser(passkey.browser);
  await startSignIn(world, state, passkey);
  const form = ceremonyForm(state, '/passkey');
  if (!form) throw new StepFailure(['the sign-in did not stop at a page with "Sign in with a security key or biometrics"']);
  await answerCeremony(world, state, form, state.user!, 'passkey', passkey.answer);
  checkOutcome(await settle(world, state), expect);
}

export async function securityKeyStep(world: World, { securityKey, expect }: StepOf<'securityKey'>): Promise<void> {
  const state = world.browser(securityKey.browser);
  const form = state.user ? ceremonyForm(state, '/security-key') : undefined;
  if (!form || !state.user) throw new StepFailure(['the browser is not on the security-key page']);
  await answerCeremony(world, state, form, state.user, 'security-key', securityKey.answer, { RememberCode: securityKey.remember ?? false });
  checkOutcome(await settle(world, state), expect);
}
