import { randomBytes } from 'node:crypto';
import type { Router } from '@koa/router';
import * as z from 'zod';
import type { AccountRepository } from '../accounts/index.js';
import { Conflict, InvalidRequest, NotFound, parseBody } from '../errors/index.js';
import { readJson } from '../http/index.js';
import { credentialsOf, newPrivateKey, signAssertion, signAttestation, type MockAuthenticators, type WebAuthnCeremonies } from '../webauthn/index.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

export interface WebAuthnControlDependencies {
  accounts: AccountRepository;
  authenticators: MockAuthenticators;
  ceremonies: WebAuthnCeremonies;
}

const assertionRequest = schemaOnFirstUse(() =>
  z.strictObject({
    challenge: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'must be the base64url challenge of the options the page gave' }),
    email: z.string().min(1).optional(),
    credentialId: z.string().min(1).optional(),
    kind: z.enum(['passkey', 'security-key']).default('passkey'),
    origin: z.string().min(1).optional(),
    userVerified: z.boolean().default(true),
    counter: z.int().min(0).max(0xffffffff).optional(),
  }),
);

const attestationRequest = schemaOnFirstUse(() =>
  z.strictObject({
    challenge: assertionRequest().shape.challenge,
    email: z.string().min(1),
    kind: z.enum(['passkey', 'security-key']).default('security-key'),
    origin: z.string().min(1).optional(),
  }),
);

/**
 * `POST /_mock/webauthn/attestation`: the control plane as a new authenticator. It makes a key pair
 * and answers the challenge of a registration page's options (the enrollment wizard's security key,
 * Account Settings' passkey) for the user, as a browser would: post it as the page's
 * `WebAuthnResponse`. It keeps the private key, so `/webauthn/assertion` answers with the new
 * credential once the page has registered it.
 *
 * `POST /_mock/webauthn/assertion`: the control plane as the user's authenticator. For a fixture
 * credential whose private key it holds, it signs an answer to the challenge a sign-in page's options
 * gave, as a browser would: post it as the page's `WebAuthnResponse`. `origin`, `userVerified` and
 * `counter` may be set to make a bad answer.
 */
export function webauthnControlRoutes(router: Router, { accounts, authenticators, ceremonies }: WebAuthnControlDependencies): void {
  router.post('/webauthn/attestation', async (ctx) => {
    const request = parseBody(attestationRequest(), await readJson(ctx));
    const account = await accounts.findByEmail(request.email);
    if (!account) throw new NotFound(`no user has the e-mail ${request.email}`);
    const key = { credentialId: randomBytes(16).toString('base64url'), sub: account.sub, privateKey: newPrivateKey(), counter: 0 };
    await authenticators.save(key);
    const response = await signAttestation(
      { key, challenge: request.challenge, rpId: ceremonies.rpId, origin: request.origin ?? ceremonies.origin, userVerified: request.kind === 'passkey' },
      request.kind === 'passkey' ? 'platform' : 'cross-platform',
    );
    ctx.body = { credentialId: key.credentialId, response, form: { WebAuthnResponse: JSON.stringify(response) } };
  });

  router.post('/webauthn/assertion', async (ctx) => {
    const request = parseBody(assertionRequest(), await readJson(ctx));
    let credentialId = request.credentialId;
    if (credentialId === undefined) {
      if (request.email === undefined) throw new InvalidRequest("give credentialId, or email (and kind) to use that user's first credential");
      const account = await accounts.findByEmail(request.email);
      if (!account) throw new NotFound(`no user has the e-mail ${request.email}`);
      credentialId = credentialsOf(account, request.kind)[0]?.id;
      if (credentialId === undefined) throw new Conflict(`${account.email} has no ${request.kind}`, 'no_credential');
    }
    const key = await authenticators.find(credentialId);
    if (!key) throw new NotFound(`the control plane holds no private key for the credential ${credentialId}: give the fixture credential a privateKey, or neither key`, 'no_private_key');
    const counter = request.counter ?? (await authenticators.nextCounter(credentialId))!;
    const stored = credentialsOf((await accounts.findBySub(key.sub)) ?? {}).find((credential) => credential.id === credentialId);
    const response = signAssertion(
      { key, challenge: request.challenge, rpId: ceremonies.rpId, origin: request.origin ?? ceremonies.origin, userVerified: request.userVerified, counter },
      stored?.kind === 'security-key' ? 'cross-platform' : 'platform',
    );
    ctx.body = { credentialId, counter, response, form: { WebAuthnResponse: JSON.stringify(response) } };
  });
}
