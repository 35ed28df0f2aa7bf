// `npm run bench:login`: full password logins per second (login pages + code exchange), on the memory
// store and on Redis side by side, and the server's memory before and after. Prints figures only.
import { randomUUID } from 'node:crypto';
import { buildIfStale } from './build-if-stale.js';
import { load, rssMb, sleep, startServer } from './bench-support.js';

const SECONDS = Number(process.env.SECONDS_PER_STORE ?? 10);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CALLBACK = 'http://localhost:3000/signin-oidc';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** One browser's worth of cookies and the hops of one login, as the demo's Flex HRM client makes it. */
async function fullLogin(base) {
  const cookies = new Map();
  const go = async (url, init = {}) => {
    const headers = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...init.headers };
    const response = await fetch(new URL(url, base), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const body = await response.text();
    if (response.status >= 400) throw new Error(`${response.status} at ${url}`);
    return { location: response.headers.get('location'), body };
  };
  const form = (fields) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const query = new URLSearchParams({ client_id: 'flex-hrm', response_type: 'code', response_mode: 'form_post', scope: 'openid profile offline_access', redirect_uri: CALLBACK, code_challenge: CHALLENGE, code_challenge_method: 'S256', nonce: randomUUID(), state: 's' });
  const authorize = await go(`/connect/authorize?${query}`);
  await go(authorize.location);
  const identifier = await go(authorize.location, form({ Username: 'maria.lindqvist@exempel.se' }));
  await go(identifier.location);
  const password = await go(identifier.location, form({ Password: 'Sommar2025!x' }));
  const resumed = await go(password.location);
  const code = /name="code" value="([^"]+)"/.exec(resumed.body)?.[1];
  if (!code) throw new Error('no code in the form_post page');
  const token = await fetch(new URL('/connect/token', base), form({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: VERIFIER, client_id: 'flex-hrm', client_secret: 'dev-secret' }));
  if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}`);
  await token.text();
}

async function measure(store) {
  const env = store === 'redis' ? { STORE: 'redis', REDIS_URL, REDIS_PREFIX: `mvc-bench:${randomUUID().slice(0, 8)}:` } : { STORE: 'memory' };
  const server = await startServer(env);
  try {
    await load(() => fullLogin(server.url), { concurrency: CONCURRENCY, seconds: 1 }); // warm-up
    await sleep(500);
    const before = rssMb(server.pid);
    const result = await load(() => fullLogin(server.url), { concurrency: CONCURRENCY, seconds: SECONDS });
    await sleep(1000);
    return { store, ...result, rssBefore: before, rssAfter: rssMb(server.pid) };
  } finally {
    if (store === 'redis') await fetch(`${server.url}/_mock/reset`, { method: 'POST' }).catch(() => {});
    await server.stop();
  }
}

buildIfStale();
const rows = [];
for (const store of ['memory', 'redis']) rows.push(await measure(store));
console.log(`full password logins (pages + code exchange), ${CONCURRENCY} concurrent browsers, ${SECONDS} s per store, Node ${process.version}`);
console.log('store    logins/s   p50 ms   p95 ms   logins   failed   RSS before   RSS after');
for (const r of rows) {
  console.log(
    `${r.store.padEnd(8)} ${r.perSecond.toFixed(0).padStart(8)}   ${r.p50.toFixed(1).padStart(6)}   ${r.p95.toFixed(1).padStart(6)}   ${String(r.done).padStart(6)}   ${String(r.failures).padStart(6)}   ${r.rssBefore.toFixed(0).padStart(7)} MB   ${r.rssAfter.toFixed(0).padStart(6)} MB`,
  );
  if (r.firstError) console.log(`  first failure: ${r.firstError.message}`);
}
