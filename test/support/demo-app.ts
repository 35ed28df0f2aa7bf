import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import * as oidc from 'openid-client';

/**
 * A minimal web app shaped like Flex HRM's sign-in: /login starts code + PKCE + form_post with
 * `openid profile offline_access`, /signin-oidc redeems the code and greets the user.
 */
export class DemoApp {
  readonly #server: Server;
  readonly #pending = new Map<string, { verifier: string; nonce: string }>();
  #config: oidc.Configuration | undefined;

  constructor() {
    this.#server = createServer((req, res) => {
      this.#handle(req.method ?? 'GET', req.url ?? '/', req).then(
        ({ status, headers, body }) => res.writeHead(status, headers).end(body),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`demo app failed: ${error.message}`),
      );
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get redirectUri(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/signin-oidc`;
  }

  async connect(issuer: string, clientId: string, clientSecret: string): Promise<void> {
    this.#config = await oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  }

  close(): void {
    this.#server.close();
  }

  async #handle(method: string, url: string, req: NodeJS.ReadableStream) {
    const config = this.#config!;
    if (url === '/login') {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      this.#pending.set(state, { verifier, nonce });
      const location = oidc.buildAuthorizationUrl(config, {
        redirect_uri: this.redirectUri,
        scope: 'openid profile offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        response_mode: 'form_post',
        state,
        nonce,
      });
      return { status: 302, headers: { location: location.href }, body: '' };
    }
    if (url === '/signin-oidc' && method === 'POST') {
      const body = await text(req);
      const fields = new URLSearchParams(body);
      const pending = this.#pending.get(fields.get('state') ?? '');
      if (!pending) return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'unknown state' };
      const request = new Request(this.redirectUri, { method: 'POST', body: fields, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const tokens = await oidc.authorizationCodeGrant(config, request, { pkceCodeVerifier: pending.verifier, expectedNonce: pending.nonce, expectedState: fields.get('state')! });
      const claims = tokens.claims()!;
      const html = `<!DOCTYPE html><html lang="en"><body><h1 id="greeting">Signed in as ${claims['name'] as string}</h1><p id="acr">acr ${claims.acr as string}, amr ${(claims.amr as string[]).join(',')}</p></body></html>`;
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
    }
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
  }
}
