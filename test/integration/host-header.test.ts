import { connect } from 'node:net';
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

  it.each([
    'a b',
    'exa<mple',
    'x"y',
    'ex{ample',
    'host:notaport',
    'host:99999',
    '[::1',
    'a%zz',
    'user@host',
    'a\\b',
    '',
    'ÿ',
    '999.0.0.1',
    '-',
    '.',
    '-idp.test',
    'idp-.test',
    'idp..test',
    'a~b',
    `${'a'.repeat(64)}.test`,
    `${'idp.'.repeat(64)}test`,
  ])('answers 400 with a reason, not a 500, when it is %j', async (host) => {
    for (const path of ['/.well-known/openid-configuration', '/connect/authorize?client_id=x', '/healthz']) {
      const answer = await rawRequest(emulator.url, 'GET', path, { headers: { host } });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_request', error_description: 'the Host header must be a host name or IP address with an optional port' });
    }
  });

  it('answers 400 to a request with two Host headers, which Node would read as the first', async () => {
    const { hostname, port } = new URL(emulator.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let heard = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (heard += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(heard));
      socket.end('GET /.well-known/openid-configuration HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(answer).toContain('"error_description":"the request must have one Host header"');
  });

  it.each(['localhost', `localhost:${5080}`, 'LOCALHOST:80', '127.0.0.1:5080', '[::1]:5080', 'idp.test', 'mock_visma:5080', 'localhost.', `${'a'.repeat(63)}.test`, 'x'])('serves discovery for %s', async (host) => {
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
