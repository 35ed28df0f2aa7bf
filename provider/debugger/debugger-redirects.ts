import type Provider from 'oidc-provider';
import { DEBUGGER_CALLBACK_PATH, DEBUGGER_SIGNED_OUT_PATH } from './internal-client.js';

type RedirectCheck = (this: object, uri: string) => boolean;

/**
 * The debugger signs in as the client picked, so the tokens are that client's own (its audience, its
 * 2FA policy, its claims and refresh-token settings). Every client may therefore send its
 * authorization response, and its sign-out, to the debugger on the emulator's own origin: the code
 * lands with the emulator, which redeems it only for a sign-in its debugger started (the run's cookie
 * and state). Installed only while the control plane is on (loopback, or CONTROL_TOKEN set).
 */
export function allowDebuggerRedirects(provider: Provider, issuer: string): void {
  const prototype = provider.Client.prototype as unknown as Record<'redirectUriAllowed' | 'postLogoutRedirectUriAllowed', RedirectCheck>;
  alsoAllow(prototype, 'redirectUriAllowed', `${issuer}${DEBUGGER_CALLBACK_PATH}`);
  alsoAllow(prototype, 'postLogoutRedirectUriAllowed', `${issuer}${DEBUGGER_SIGNED_OUT_PATH}`);
}

function alsoAllow(prototype: Record<string, RedirectCheck>, method: string, allowed: string): void {
  const registered = prototype[method]!;
  Object.defineProperty(prototype, method, {
    value: function allowedOrRegistered(this: object, uri: string) {
      return uri === allowed || registered.call(this, uri);
    },
  });
}
