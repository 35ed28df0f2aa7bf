// The benchmark's load generator, run in a process of its own (never in the server's): `concurrency`
// loops of one workload against one server on loopback, first a warm-up, then (after the parent says
// `go` on stdin, once it has read the server's CPU time) a measured phase bounded in time and count.
// `node scripts/bench-load.js '{"url":…,"workload":"tokens"|"sign-in"|"floor-sign-in",…}'`; prints
// `warm` after the warm-up and one JSON line of results at the end.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

const spec = JSON.parse(process.argv[2]);
const { url, workload, concurrency = 32, warmupSeconds = 1, seconds = 10, maxCount = 1_000_000 } = spec;
const base = new URL(url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) throw new Error(`the benchmark loads loopback servers only, not ${base.hostname}`);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

/** One HTTP exchange; resolves with status, headers and the body as text. */
function exchange(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method, path, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const FORM = 'application/x-www-form-urlencoded';
const CALLBACK = 'http://localhost:3000/signin-oidc';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const basic = (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function tokens() {
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'connect:users' }).toString();
  const headers = { 'content-type': FORM, authorization: basic('hrm-api', 'dev-api-secret') };
  const path = spec.tokenPath ?? '/connect/token';
  return async () => {
    const response = await exchange('POST', path, { headers, body });
    if (response.status !== 200 || !response.body.includes('"access_token"')) throw new Error(`token endpoint answered ${response.status}: ${response.body.slice(0, 200)}`);
  };
}

/** What a page that should have moved on says instead: its error summary, or its start. */
const pageMessage = (html) => (/<(?:div|ul)[^>]*(?:role="alert"|class="[^"]*error)[^>]*>([\s\S]*?)<\/(?:div|ul)>/.exec(html)?.[1] ?? html.slice(0, 200)).replace(/<[^>]+>|\s+/g, ' ').trim();

/** One browser: a cookie jar, and GETs and form POSTs that do not follow redirects. */
function browser() {
  const cookies = new Map();
  const go = async (method, path, fields, expectRedirect) => {
    const headers = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const body = fields && new URLSearchParams(fields).toString();
    if (body !== undefined) headers['content-type'] = FORM;
    const response = await exchange(method, path, { headers, body });
    for (const line of response.headers['set-cookie'] ?? []) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    if (response.status >= 400) throw new Error(`${response.status} at ${method} ${path}`);
    const location = response.headers.location && new URL(response.headers.location, base);
    if (expectRedirect && !location) throw new Error(`${method} ${path} answered ${response.status} without a redirect: ${pageMessage(response.body)}`);
    return { ...response, location: location && location.pathname + location.search };
  };
  return { get: (path, expectRedirect) => go('GET', path, undefined, expectRedirect), post: (path, fields) => go('POST', path, fields, true) };
}

const authorizePath = () =>
  `/connect/authorize?${new URLSearchParams({ client_id: 'flex-hrm', response_type: 'code', response_mode: 'form_post', scope: 'openid profile offline_access', redirect_uri: CALLBACK, code_challenge: CHALLENGE, code_challenge_method: 'S256', nonce: randomUUID(), state: 's' })}`;

async function exchangeCode(page) {
  const code = /name="code" value="([^"]+)"/.exec(page.body)?.[1];
  if (!code) throw new Error(`no code in the form_post page (${page.status}): ${page.body.slice(0, 200)}`);
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: VERIFIER, client_id: 'flex-hrm', client_secret: 'dev-secret' }).toString();
  const token = await exchange('POST', '/connect/token', { headers: { 'content-type': FORM }, body });
  if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}: ${token.body.slice(0, 200)}`);
}

/**
 * A full password sign-in on ours, as Flex HRM makes it: the pages, then the code exchange. Each
 * browser signs in as a user of its own (the bench fixtures' bench-N@exempel.se): attempts at one
 * account beyond the lockout's limit at once are refused, by design.
 */
async function signIn(worker) {
  const b = browser();
  const authorize = await b.get(authorizePath(), true);
  await b.get(authorize.location);
  const identifier = await b.post(authorize.location, { Username: `bench-${worker}@exempel.se` });
  await b.get(identifier.location);
  const password = await b.post(identifier.location, { Password: 'Sommar2025!x' });
  await exchangeCode(await b.get(password.location));
}

/** The same on oidc-provider's development interactions: login page, consent page, code exchange. */
async function floorSignIn() {
  const b = browser();
  let hop = await b.get(authorizePath());
  for (let step = 0; step < 10; step += 1) {
    if (hop.status !== 200) {
      hop = await b.get(hop.location);
      continue;
    }
    const prompt = /name="prompt" value="(\w+)"/.exec(hop.body)?.[1];
    if (!prompt) return exchangeCode(hop);
    const action = /action="([^"]+)"/.exec(hop.body)[1];
    hop = await b.post(action, prompt === 'login' ? { prompt, login: 'maria', password: 'x' } : { prompt });
  }
  throw new Error('the sign-in did not end in ten hops');
}

const task = { tokens: tokens(), 'sign-in': signIn, 'floor-sign-in': floorSignIn }[workload];
if (!task) throw new Error(`unknown workload ${workload}`);

async function phase(phaseSeconds, limit) {
  const deadline = performance.now() + phaseSeconds * 1000;
  const latencies = [];
  let started = 0;
  let failures = 0;
  let firstError;
  const begun = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline && started < limit) {
        started += 1;
        const t0 = performance.now();
        try {
          await task(worker);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures += 1;
          firstError ??= error.message;
        }
      }
    }),
  );
  const ms = performance.now() - begun;
  const { user, system } = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { done: latencies.length, failures, firstError, ms, perSecond: (latencies.length * 1000) / ms, p50: at(0.5), p95: at(0.95), loadCpuMs: (user + system) / 1000 };
}

await phase(warmupSeconds, maxCount);
process.stdout.write('warm\n');
const lines = createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once('line', resolve));
lines.close();
const result = await phase(seconds, maxCount);
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
