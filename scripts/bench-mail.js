// `npm run bench:mail`: the embedded mail path. A batch of 100 e-mail verifications (one code mail each)
// through the provisioning API, then MailHog API listings with a full mailbox (1000 mails and a few large
// ones near the 10 MB limit), and resident memory after over-size mails are refused. STORE=redis to run on
// Redis (its own prefix, REDIS_URL).
import { createConnection } from 'node:net';
import { buildIfStale } from './build-if-stale.cjs';
import { freePort, procStat, start } from './bench-support.js';

const rssMb = (pid) => procStat(pid).rssMb;

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const MB = 1024 * 1024;

/** A raw SMTP conversation (no SIZE declared); resolves with the reply to the data. */
function sendRaw(port, bytes) {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1');
    const steps = ['EHLO bench.example', 'MAIL FROM:<bench@example.com>', 'RCPT TO:<big@example.com>', 'DATA'];
    let buffered = '';
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\r\n');
      buffered = lines.pop();
      for (const line of lines) {
        if (!/^\d{3} /.test(line)) continue;
        if (steps.length > 0) socket.write(`${steps.shift()}\r\n`);
        else if (line.startsWith('354')) {
          const row = `${'x'.repeat(998)}\r\n`;
          socket.write(`Subject: big\r\n\r\n${row.repeat(Math.ceil(bytes / row.length))}.\r\n`);
        } else {
          socket.end();
          resolve(line);
        }
      }
    });
  });
}

const timed = async (label, url, init) => {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.arrayBuffer();
  console.log(`  ${label}: ${(performance.now() - started).toFixed(0)} ms   status ${response.status}   ${(body.byteLength / MB).toFixed(1)} MB`);
};

buildIfStale();
const env = process.env.STORE === 'redis' ? { STORE: 'redis', REDIS_PREFIX: `mvc-bench-${process.pid}:` } : {};
const [smtpPort, apiPort] = [await freePort(), await freePort()];
const server = await start('ours', { env: { ...env, SMTP_PORT: String(smtpPort), MAIL_API_PORT: String(apiPort) } });
const api = `http://127.0.0.1:${apiPort}/api`;
try {
  const tokenResponse = await fetch(`${server.url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('hrm-api:dev-api-secret').toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'connect:users' }),
  });
  const { access_token: token } = await tokenResponse.json();
  const batch = async (round) => {
    const items = Array.from({ length: 100 }, (_, i) => ({ email: `bench-${round}-${i}@privat.example`, delivery: 'code' }));
    const started = performance.now();
    const response = await fetch(`${server.url}/api/v1/email-verifications/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    const { results } = await response.json();
    return { ms: performance.now() - started, status: response.status, pending: results.filter((result) => result.httpStatus === 202).length };
  };

  console.log(`Mail, ${process.env.STORE ?? 'memory'} store, Node ${process.version}`);
  console.log('POST /api/v1/email-verifications/batch, 100 code verifications each');
  for (let round = 0; round < ROUNDS; round += 1) {
    const r = await batch(round);
    console.log(`  batch ${round + 1}: ${r.ms.toFixed(0)} ms   status ${r.status}   ${r.pending}/100 pending   RSS ${rssMb(server.pid).toFixed(0)} MB`);
  }
  for (let round = ROUNDS; round < 12; round += 1) await batch(round);

  console.log('Over-size mails (no SIZE declared by the sender)');
  const before = rssMb(server.pid);
  for (const size of [11 * MB, 40 * MB]) console.log(`  ${size / MB} MB: ${await sendRaw(smtpPort, size)}   RSS ${before.toFixed(0)} -> ${rssMb(server.pid).toFixed(0)} MB`);
  console.log('A full mailbox: 1000 mails and three of 9 MB');
  for (let i = 0; i < 3; i += 1) await sendRaw(smtpPort, 9 * MB);
  await timed('GET /api/v2/messages (50 newest)', `${api}/v2/messages`);
  await timed('GET /api/v2/messages?start=500&limit=250', `${api}/v2/messages?start=500&limit=250`);
  await timed('GET /api/v2/search?kind=to (latestTo)', `${api}/v2/search?kind=to&query=bench-11-99@privat.example&limit=1`);
  await timed('GET /api/v1/messages (all, up to 1000)', `${api}/v1/messages`);
  console.log(`  RSS ${rssMb(server.pid).toFixed(0)} MB`);
} finally {
  await server.stop();
}
