import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';

/** One edge answers every domain error: in the shape of the listener, and on the pages as the client asks. */
const fixtures = { clients: [{ clientId: 'hrm', clientSecret: 'x', redirectUris: ['http://localhost:3000/signin-oidc'] }] };
const TOO_LARGE = `Username=${'x'.repeat(70_000)}`;

describe('the error edge', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());

  const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${emulator.url}${path}`, { method: 'POST', headers, body });

  it('answers a failure on a page as a page to a browser', async () => {
    const answer = await post('/forgot-password', TOO_LARGE, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(await answer.text()).toContain('the request body is larger than 65536 bytes');
  });

  it('answers the same failure as JSON to a script', async () => {
    const answer = await post('/forgot-password', TOO_LARGE, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ error: 'invalid_request', error_description: 'the request body is larger than 65536 bytes' });
  });

  it('answers the control plane in JSON even to a browser', async () => {
    const answer = await post('/_mock/clock', '{"advanceSeconds": "soon"}', { 'content-type': 'application/json', accept: 'text/html' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'invalid_request', error_description: 'advanceSeconds must be a number of seconds' });
  });

  it("answers the Public API in the Public API's own shape", async () => {
    const answer = await fetch(`${emulator.publicApiUrl}/v1.0/users`, { headers: { accept: 'text/html' } });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error_code: 'ERROR_INVALID_TOKEN', error: 'invalid_token' });
  });
});
