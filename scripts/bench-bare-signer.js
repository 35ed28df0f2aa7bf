// The practical limit of this machine for the benchmark: a bare `node:http` server that checks the
// client's Basic credentials and signs an RS256 access token (the claims ours issues) with
// `node:crypto` and the same key, on libuv's thread pool as the peer's and ours do (so it too signs on
// every core). Nothing else: no store, no framework. Not part of the product.
// `node scripts/bench-bare-signer.js --port N` (0: a free one); prints `listening on URL` when ready.
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 0);
const [jwk] = JSON.parse(readFileSync(new URL('../fixtures/dev-signing-keys.json', import.meta.url), 'utf8')).keys;
const key = createPrivateKey({ key: jwk, format: 'jwk' });
const EXPECTED = `Basic ${Buffer.from('hrm-api:dev-api-secret').toString('base64')}`;
const HEADER = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid })).toString('base64url');

const json = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return json(res, 200, { status: 'ok' });
  if (req.method !== 'POST' || req.url !== '/token') return json(res, 404, { error: 'not_found' });
  if (req.headers.authorization !== EXPECTED) return json(res, 401, { error: 'invalid_client' });
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const params = new URLSearchParams(Buffer.concat(chunks).toString());
    if (params.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
    const issuer = `http://localhost:${server.address().port}`;
    const iat = Math.floor(Date.now() / 1000);
    const claims = { jti: randomBytes(32).toString('base64url'), iat, exp: iat + 3600, scope: params.get('scope'), client_id: 'hrm-api', iss: issuer, aud: `${issuer}/api` };
    const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    sign('sha256', Buffer.from(input), key, (error, signature) => {
      if (error) return json(res, 500, { error: 'server_error' });
      json(res, 200, { access_token: `${input}.${signature.toString('base64url')}`, expires_in: 3600, scope: claims.scope, token_type: 'Bearer' });
    });
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
process.once('SIGTERM', () => process.exit(0));
