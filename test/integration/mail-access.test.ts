import { request } from 'node:http';
import mailhog from 'mailhog';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator, Settings } from '../../provider/index.js';
import { apiClient, apiToken } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';

const fixtures = {
  clients: [{ clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] }],
  users: [{ email: 'pat@example.com', givenName: 'Pat', familyName: 'Lee', locale: 'en-GB' }],
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP call to the MailHog API on 127.0.0.1, with any Host header (fetch does not let one set it). */
function callMailApi(emulator: RunningEmulator, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const port = Number(new URL(emulator.mail!.apiUrl).port);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `localhost:${port}`, ...headers } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe("who may read the embedded catcher's mail", () => {
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  const start = async (settings: Partial<Settings> = {}) => {
    emulator = await startTestEmulator({ fixtures, settings });
    return emulator;
  };
  const sendReset = async (on: RunningEmulator) => {
    const api = apiClient(on, await apiToken(on, 'hrm-api', 'api-secret'));
    const { userId } = (await api('GET', '/users?email=pat@example.com')).body;
    expect((await api('POST', `/users/${userId}/password-reset`)).status).toBe(202);
  };

  it('sends no CORS headers unless MAIL_API_CORS_ORIGIN names an origin, as MailHog without -cors-origin', async () => {
    const on = await start();
    for (const answer of [await callMailApi(on, '/api/v2/messages', { origin: 'https://evil.example' }), await callMailApi(on, '/api/v2/messages', { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' }, 'OPTIONS')]) {
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it('lets the one configured origin read it, and only that one', async () => {
    const on = await start({ mailApiCorsOrigin: 'http://localhost:3000' });
    const preflight = await callMailApi(on, '/api/v1/messages', { origin: 'http://localhost:3000', 'access-control-request-method': 'DELETE' }, 'OPTIONS');
    expect(preflight.status).toBe(200);
    expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': 'http://localhost:3000', 'access-control-allow-methods': 'OPTIONS,GET,POST,DELETE' });
    expect((await callMailApi(on, '/api/v2/messages')).headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('answers without CONTROL_TOKEN only to a Host header that names loopback (no DNS rebinding)', async () => {
    const on = await start();
    await sendReset(on);
    const port = new URL(on.mail!.apiUrl).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost']) {
      expect((await callMailApi(on, '/api/v2/messages', { host })).status).toBe(200);
    }
    for (const host of [`rebound.evil.example:${port}`, `localhost.evil.example:${port}`, `192.168.1.20:${port}`]) {
      const refused = await callMailApi(on, '/api/v2/messages', { host });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'host_not_allowed' });
      expect(refused.body).not.toContain('pat@example.com');
    }
  });

  it('is off beyond loopback without CONTROL_TOKEN, even from the machine itself', async () => {
    const on = await start({ host: '0.0.0.0' });
    await sendReset(on);
    for (const [path, method] of [
      ['/api/v2/messages', 'GET'],
      ['/api/v1/messages', 'GET'],
      ['/api/v2/search?kind=to&query=pat', 'GET'],
      ['/api/v1/messages', 'DELETE'],
    ] as const) {
      const refused = await callMailApi(on, path, {}, method);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toEqual({ error: 'mail_api_disabled', error_description: 'the server listens beyond loopback, so the MailHog API needs CONTROL_TOKEN to be set' });
    }
  });

  it('needs CONTROL_TOKEN when one is set, as a Bearer header or as the Basic password the mailhog client sends', async () => {
    const on = await start({ host: '0.0.0.0', controlToken: 'mail-token' });
    await sendReset(on);
    const refused = await callMailApi(on, '/api/v2/messages');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="mock-visma-connect mail"');
    expect(refused.body).not.toContain('pat@example.com');
    expect((await callMailApi(on, '/api/v2/messages', { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await callMailApi(on, '/api/v1/messages', { authorization: 'Bearer mail-token' }, 'GET')).status).toBe(200);
    // Any Host: the token is what a rebinding page cannot have.
    expect((await callMailApi(on, '/api/v2/messages', { authorization: 'Bearer mail-token', host: 'mvc.lan:8025' })).status).toBe(200);

    const port = Number(new URL(on.mail!.apiUrl).port);
    const withBasic = mailhog({ host: '127.0.0.1', port, auth: 'mail:mail-token' });
    expect((await withBasic.latestTo('pat@example.com'))!.subject).toBe('Reset your password');
    const withBearer = mailhog({ host: '127.0.0.1', port, headers: { authorization: 'Bearer mail-token' } } as Parameters<typeof mailhog>[0]);
    expect((await withBearer.messages())!.total).toBe(1);
  });
});
