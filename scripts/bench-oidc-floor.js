// The floor of our stack for the benchmark: oidc-provider alone, as its own example application runs
// it, with its development interactions (any login, a consent page) and its memory adapter, the same
// key, endpoint paths, clients and JWT access tokens as ours. Not part of the product.
// `node scripts/bench-oidc-floor.js --port N` (0: a free one); prints `listening on URL` when ready.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 0);
const { keys } = JSON.parse(readFileSync(new URL('../fixtures/dev-signing-keys.json', import.meta.url), 'utf8'));

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://localhost:${server.address().port}`;
  const api = `${issuer}/api`;
  const provider = new Provider(issuer, {
    jwks: { keys },
    cookies: { keys: ['bench floor cookie key'] },
    routes: { authorization: '/connect/authorize', token: '/connect/token', userinfo: '/connect/userinfo', jwks: '/.well-known/openid-configuration/jwks' },
    scopes: ['openid', 'offline_access', 'profile', 'connect:users'],
    clients: [
      { client_id: 'flex-hrm', client_secret: 'dev-secret', redirect_uris: ['http://localhost:3000/signin-oidc'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
      { client_id: 'hrm-api', client_secret: 'dev-api-secret', redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: 'connect:users' },
    ],
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx, _client, oneOf) => oneOf ?? (ctx.oidc.params?.grant_type === 'client_credentials' ? api : undefined),
        getResourceServerInfo: async () => ({ scope: 'connect:users', audience: api, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } }),
        useGrantedResource: async () => false,
      },
    },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
