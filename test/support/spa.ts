import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const LIBRARY = fileURLToPath(new URL('../../node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js', import.meta.url));

/**
 * A single-page app on oidc-client-ts (the browser library SPAs sign in with), public client with
 * PKCE and `monitorSession`. `/` keeps `window.mgr`, `window.events` (the UserManager events seen)
 * and `window.askCheckSessionFrame(frameUrl, message)`;
 * `/callback` and `/silent` complete sign-ins. It answers on localhost, same-site with the emulator,
 * so the check_session_iframe may read its cookie, as with an app on the same site as Visma Connect.
 */
export class SinglePageApp {
  readonly #server: Server;
  #settings = '';
  /** The requests to its front-channel logout URI, `/frontchannel-logout`. */
  readonly frontchannelLogouts: URL[] = [];

  constructor() {
    const library = readFileSync(LIBRARY);
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.url);
      const path = url.pathname;
      if (path === '/frontchannel-logout') {
        this.frontchannelLogouts.push(url);
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>Signed out</title>');
      }
      if (path === '/oidc-client-ts.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(library);
      const script = SCRIPTS[path];
      if (!script) return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!DOCTYPE html><html lang="en"><head><title>SPA</title></head><body><h1 id="app">SPA</h1><script src="/oidc-client-ts.js"></script><script>var settings = ${this.#settings};\n${script}</script></body></html>`);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://localhost:${(this.#server.address() as AddressInfo).port}`;
  }

  get frontchannelLogoutUri(): string {
    return `${this.url}/frontchannel-logout`;
  }

  get redirectUris(): string[] {
    return [`${this.url}/callback`, `${this.url}/silent`];
  }

  connect(issuer: string, clientId: string): void {
    this.#settings = JSON.stringify({
      authority: issuer,
      client_id: clientId,
      redirect_uri: `${this.url}/callback`,
      silent_redirect_uri: `${this.url}/silent`,
      post_logout_redirect_uri: `${this.url}/`,
      response_type: 'code',
      scope: 'openid profile',
      monitorSession: true,
      checkSessionIntervalInSeconds: 1,
    });
  }

  close(): void {
    this.#server.close();
  }
}

const SCRIPTS: Record<string, string> = {
  '/': `
    window.events = [];
    window.mgr = new oidc.UserManager(settings);
    mgr.events.addUserSignedOut(function () { events.push('userSignedOut'); });
    mgr.events.addUserSessionChanged(function () { events.push('userSessionChanged'); });
    // Posts a message to the check_session_iframe from this page, as oidc-client-ts does; resolves to the answer.
    window.askCheckSessionFrame = function (frameUrl, message) {
      return new Promise(function (resolve) {
        var frame = document.createElement('iframe');
        frame.style.display = 'none';
        frame.src = frameUrl;
        window.addEventListener('message', function answer(event) {
          if (event.source !== frame.contentWindow) return;
          window.removeEventListener('message', answer);
          frame.remove();
          resolve(String(event.data));
        });
        frame.onload = function () { frame.contentWindow.postMessage(message, new URL(frameUrl).origin); };
        document.body.append(frame);
      });
    };
  `,
  '/callback': `new oidc.UserManager(settings).signinCallback().then(function () { location.replace('/'); });`,
  '/silent': `new oidc.UserManager(settings).signinCallback();`,
};
