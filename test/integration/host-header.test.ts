import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { rawRequest } from '../support/raw-request.js';

describe('the Host header', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it.each(['a b', 'exa<mple', 'x"y', 'ex{ample', 'host:notaport', 'host:99999', '[::1', 'a%zz', 'user@host', 'a\\b', '', 'ÿ', '999.0.0.1'])('answers 400 with a reason, not a 500, when it is %j', async (host) => {
    for (const path of ['/.well-known/openid-configuration', '/connect/authorize?client_id=x', '/healthz']) {
      const answer = await rawRequest(emulator.url, 'GET', path, { headers: { host } });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_request', error_description: 'the Host header must be a host name or IP address with an optional port' });
    }
  });

  it.each(['localhost', `localhost:${5080}`, 'LOCALHOST:80', '127.0.0.1:5080', '[::1]:5080', 'idp.test', 'mock_visma:5080'])('serves discovery for %s', async (host) => {
    const answer = await rawRequest(emulator.url, 'GET', '/.well-known/openid-configuration', { headers: { host } });
    expect(answer.status).toBe(200);
  });
});

describe('the forwarded host behind a trusted proxy', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ settings: { trustProxy: true } });
  });
  afterAll(() => emulator.close());

  it.each([
    ['X-Forwarded-Host', 'exa<mple'],
    ['X-Forwarded-Host', 'host:99999'],
    ['X-Forwarded-Proto', 'javascript'],
  ])('answers 400 when %s is %j', async (header, value) => {
    const answer = await rawRequest(emulator.url, 'GET', '/.well-known/openid-configuration', { headers: { [header]: value } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid_request' });
  });

  it('builds its URLs from a well-formed forwarded host', async () => {
    const answer = await rawRequest(emulator.url, 'GET', '/.well-known/openid-configuration', { headers: { 'x-forwarded-host': 'idp.example.test', 'x-forwarded-proto': 'https' } });
    expect(JSON.parse(answer.text)).toMatchObject({ token_endpoint: 'https://idp.example.test/connect/token' });
  });
});
