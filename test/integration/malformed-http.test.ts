import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';

/** Sends `text` as it is on a connection of its own; resolves with the status line of the answer. */
function sendAsWritten(baseUrl: string, text: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let heard = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (heard += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(heard.split('\r\n')[0]!));
    socket.end(text);
  });
}

const chunkedBodyWithABadSize = (path: string, host: string, contentType: string) => `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`;

describe('requests the HTTP parser refuses halfway through their body', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ settings: { logLevel: 'warn' } });
  });
  afterAll(() => emulator.close());

  it('answers each port with a 4xx and logs the parse error at debug only (Koa printed it whatever the log level)', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const written = vi.spyOn(process.stderr, 'write');
    try {
      const host = (url: string) => new URL(url).host;
      const answers = [
        await sendAsWritten(emulator.url, chunkedBodyWithABadSize('/connect/token', host(emulator.url), 'application/x-www-form-urlencoded')),
        await sendAsWritten(emulator.url, chunkedBodyWithABadSize('/api/v1/users', host(emulator.url), 'application/json')),
        await sendAsWritten(emulator.publicApiUrl, chunkedBodyWithABadSize('/v1.0/users', host(emulator.publicApiUrl), 'application/json')),
        await sendAsWritten(emulator.mail!.apiUrl, chunkedBodyWithABadSize('/api/v1/messages', host(emulator.mail!.apiUrl), 'application/json')),
      ];
      for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
      await new Promise((resolve) => setTimeout(resolve, 50)); // Koa printed after the answer, when the socket closed
      expect(printed.mock.calls).toEqual([]);
      expect(written.mock.calls.map(([line]) => String(line))).toEqual([]);
    } finally {
      printed.mockRestore();
      written.mockRestore();
    }
  });
});
