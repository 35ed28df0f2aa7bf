import type { Client } from 'oidc-provider';
import type { EndpointAnswer } from './runs.js';

/** A hung endpoint (a delay fault) makes the page say so rather than hang. */
const TIMEOUT_MS = 15_000;

/**
 * The debugger calls the token and userinfo endpoints over HTTP, as the picked client's back end
 * would, so faults, errors and the IdentityServer-style answers are the real ones. It authenticates
 * as the client's registration says (Basic, post, or none for a public client with PKCE).
 */
export class EndpointClient {
  readonly #baseUrl: string;

  /** `baseUrl`: where this emulator answers from its own process (its bound address). */
  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  token(client: Client, params: Record<string, string>): Promise<EndpointAnswer> {
    const body = new URLSearchParams(params);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const secret = client.clientSecret ?? '';
    if (client.tokenEndpointAuthMethod === 'client_secret_basic') {
      headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    } else {
      body.set('client_id', client.clientId);
      if (client.tokenEndpointAuthMethod === 'client_secret_post') body.set('client_secret', secret);
    }
    return this.#call('/connect/token', { method: 'POST', headers, body: body.toString() });
  }

  userinfo(accessToken: string): Promise<EndpointAnswer> {
    return this.#call('/connect/userinfo', { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } });
  }

  async #call(path: string, init: RequestInit): Promise<EndpointAnswer> {
    try {
      const response = await fetch(`${this.#baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const text = await response.text();
      return { status: response.status, body: parseObject(text), text };
    } catch (error) {
      return { status: 0, body: undefined, text: `no answer from ${path}: ${(error as Error).message}` };
    }
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
