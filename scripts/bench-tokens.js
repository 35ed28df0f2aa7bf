// `npm run bench:tokens`: client_credentials access tokens per second (RS256 JWTs) on the memory store.
import { buildIfStale } from './build-if-stale.js';
import { load, rssMb, startServer } from './bench-support.js';

const SECONDS = Number(process.env.SECONDS ?? 10);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);

buildIfStale();
const server = await startServer();
const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'connect:users' }).toString();
const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('hrm-api:dev-api-secret').toString('base64')}` };
const token = async () => {
  const response = await fetch(`${server.url}/connect/token`, { method: 'POST', headers, body });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  await response.arrayBuffer();
};
try {
  await load(token, { concurrency: CONCURRENCY, seconds: 1 });
  const r = await load(token, { concurrency: CONCURRENCY, seconds: SECONDS });
  console.log(`client_credentials, ${CONCURRENCY} concurrent clients, ${SECONDS} s, Node ${process.version}`);
  console.log(`  tokens/s ${r.perSecond.toFixed(0)}   p50 ${r.p50.toFixed(1)} ms   p95 ${r.p95.toFixed(1)} ms   tokens ${r.done}   failed ${r.failures}   RSS ${rssMb(server.pid).toFixed(0)} MB`);
  if (r.firstError) console.log(`  first failure: ${r.firstError.message}`);
} finally {
  await server.stop();
}
