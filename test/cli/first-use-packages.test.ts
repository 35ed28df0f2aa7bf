// The bin's bundle leaves out the packages no start needs (WebAuthn, nodemailer, tough-cookie) and loads
// each from dist/vendor/ on first use (scripts/build.js): here the built bin, from this checkout, uses all
// four bundles in one process, as a user's first passkey sign-in, saved address and SMTP mail would.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../provider/http/logger.js';
import { Mailbox, startSmtpCatcher, type RunningCatcher } from '../../provider/mail/index.js';
import { MemoryStore } from '../../provider/store/memory-store.js';
import { appAnswer, authorizationRequest, authorizeUrl, redeemCode } from '../../provider/testing/sign-in.js';
import { formWith, readForm, readForms, UserAgent } from '../../provider/testing/web/index.js';
import { writeFixtures } from '../support/emulator.js';
import { postControl } from '../support/api-client.js';
import { freePort } from '../support/redis-server.js';

const BIN = fileURLToPath(new URL('../../bin/mock-visma-connect.js', import.meta.url));
const CALLBACK = 'http://localhost:3000/signin-oidc';
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The bin (built first when the sources changed), on free ports; its URL once it says it is ready. */
async function startBin(env: Record<string, string>): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, [BIN, '--port', '0'], { env: { ...process.env, LOG_LEVEL: 'warn', MAIL_API_PORT: '0', PUBLIC_API_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const ready = /ready on (http:\/\/\S+)/.exec(stdout);
      if (ready) resolve(ready[1]!);
    });
    void once(child, 'exit').then(([code]) => reject(new Error(`the bin exited with ${code}: ${stderr}`)));
  });
}

it('signs in with a passkey, saves the e-mail address and sends mail over SMTP, each package loaded from its own bundle on first use', { timeout: 120_000 }, async () => {
  const mailbox = new Mailbox(new MemoryStore());
  const smtpPort = await freePort();
  const catcher: RunningCatcher = await startSmtpCatcher(mailbox, smtpPort, '127.0.0.1', createLogger('silent'));
  cleanups.push(() => catcher.close());
  const fixtures = writeFixtures({
    clients: [{ clientId: 'hrm', clientSecret: 'x', redirectUris: [CALLBACK] }],
    users: [{ email: 'sara.ek@example.se', password: 'Lugn&Fin2025', passkeys: [{ name: 'Laptop' }] }],
  });
  const url = await startBin({ FIXTURES: fixtures, MAIL: 'smtp', SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });

  // tough-cookie writes the saved address's cookie.
  const agent = new UserAgent();
  const login = authorizationRequest('hrm', CALLBACK);
  const identifier = await agent.follow(await agent.get(authorizeUrl(url, login)));
  const password = await agent.submit(formWith(identifier, 'Username')!, { Username: 'sara.ek@example.se', SaveEmail: true });
  expect(password.headers.getSetCookie()).toContain(`mvc_saved_email=${Buffer.from('sara.ek@example.se').toString('base64url')}; Max-Age=31536000; Path=/interaction; HttpOnly; SameSite=Lax`);

  // @simplewebauthn/server verifies the answer that the control plane (its helpers) signed.
  const passwordPage = await agent.follow(password);
  const ceremony = readForms(passwordPage).find((form) => form.action.endsWith('/passkey'))!;
  const options = JSON.parse((await agent.post(`${ceremony.action}/options`, {})).html) as { challenge: string };
  const { status, body: answer } = await postControl(url, '/webauthn/assertion', { challenge: options.challenge, email: 'sara.ek@example.se' });
  expect(status).toBe(200);
  const callback = await agent.follow(await agent.submit(ceremony, { WebAuthnResponse: JSON.stringify((answer as { response: unknown }).response) }), CALLBACK);
  const tokens = await redeemCode({ url, issuer: url.replace('127.0.0.1', 'localhost') }, login, appAnswer(callback)!.code!, 'x');
  expect(tokens.claims).toMatchObject({ amr: ['pwdless', 'mfa'], acr: '3' });

  // nodemailer sends the reset mail to the SMTP server.
  const forgot = await agent.get(`${url}/forgot-password`);
  expect((await agent.post(readForm(forgot).action, { Username: 'sara.ek@example.se', Choice: 'reset' })).status).toBe(200);
  await expect.poll(async () => (await mailbox.all()).map((message) => message.Raw.To[0]), { timeout: 10_000, interval: 100 }).toEqual(['sara.ek@example.se']);
});
