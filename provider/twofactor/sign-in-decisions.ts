import type { Context } from 'koa';
import type { KoaContextWithOIDC, UnknownObject } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Account, AccountRepository } from '../accounts/index.js';
import type { AcrSettings } from '../fixtures/index.js';
import type { LoginChecks } from '../oidc/interaction-policy.js';
import { blocksSignIn, type Decision } from '../policy/index.js';
import type { RememberedDevices } from '../risk/index.js';
import { realTime } from '../time/index.js';
import { MalformedAcrRequest, readAcrRequest, type AcrRequest } from './acr-request.js';
import type { SignInReference } from './decision-log.js';
import { appPolicyOf, type ExplainedDecision, type TwoFactorGate } from './gate.js';
import { sessionTwoFactorAt } from './session-factors.js';

export interface SignInDecisionDependencies {
  accounts: AccountRepository;
  gate: TwoFactorGate;
  devices: RememberedDevices;
  acrSettings: () => Promise<AcrSettings>;
}

/** The interaction a sign-in step decides for: its client and its prompt's details. */
interface InteractionFacts {
  uid: string;
  params: UnknownObject;
  clientId: string;
  client: object | undefined;
  details: UnknownObject;
}

/** What an interaction's prompt carries to the pages (its `details`). */
interface SignInDetails {
  acrRequest?: AcrRequest;
  twoFactor?: Decision;
}

/**
 * The 2FA decision of a sign-in, taken once for each step that asks, or could ask, for a second factor:
 * - a signed-in session (single sign-on, a step-up, a stricter app) is decided at authorize, in
 *   oidc-provider's check; a decision that asks for a factor reaches the page in the prompt's details;
 * - a sign-in without a session it can use is decided by the page after the first factor (password or
 *   one-time link): only then is the account known.
 * How the request asks for authentication (acr_values, an essential acr claim, max_age) is read once,
 * at authorize, and travels to the pages in the prompt's details as well.
 */
export class SignInDecisions {
  readonly #deps: SignInDecisionDependencies;
  readonly #requests = new WeakMap<KoaContextWithOIDC, Promise<AcrRequest>>();

  constructor(deps: SignInDecisionDependencies) {
    this.#deps = deps;
  }

  /** The checks oidc-provider's interaction policy runs on every authorization request. */
  readonly checks: LoginChecks = {
    requestDetails: async (ctx) => ({ acrRequest: await this.#acrRequest(ctx) }) satisfies SignInDetails,
    reauthenticationRequested: async (ctx) => ctx.oidc.session?.accountId !== undefined && (await this.#acrRequest(ctx)).reauthenticate,
    twoFactorPending: async (ctx) => {
      const decision = await this.#atAuthorize(ctx);
      return decision && blocksSignIn(decision) ? ({ twoFactor: decision } satisfies SignInDetails) : undefined;
    },
  };

  /** After the first factor: the request as the interaction carries it, and nothing the session did before counts. */
  afterFirstFactor(ctx: Context, interaction: InteractionFacts, account: Account): Promise<ExplainedDecision> {
    return this.#afterSignIn(ctx, interaction, account, 'password', undefined);
  }

  /**
   * After a passkey: it verified the user on a device the user holds, so this step has done 2FA (the
   * table sees a second factor done now, in the session's frame: real time): every rule is satisfied, step-up within any max_age included.
   */
  afterPasskey(ctx: Context, interaction: InteractionFacts, account: Account): Promise<ExplainedDecision> {
    return this.#afterSignIn(ctx, interaction, account, 'passkey', realTime.nowSeconds());
  }

  #afterSignIn(ctx: Context, interaction: InteractionFacts, account: Account, stage: 'password' | 'passkey', twoFactorAt: number | undefined): Promise<ExplainedDecision> {
    return this.#deps.gate.decide({
      stage,
      account,
      clientId: interaction.clientId,
      signIn: { interaction: interaction.uid, ...signInParams(interaction.params) },
      appPolicy: appPolicyOf(interaction.client),
      request: acrRequestIn(interaction.details),
      sessionTwoFactorAt: twoFactorAt,
      clientIp: ctx.ip,
      deviceId: this.#deps.devices.deviceId(ctx),
    });
  }

  /** The decision the check took at authorize, when it stopped a signed-in session for a second factor. */
  takenAtAuthorize(details: UnknownObject): Decision | undefined {
    return (details as SignInDetails).twoFactor;
  }

  async #atAuthorize(ctx: KoaContextWithOIDC): Promise<ExplainedDecision | undefined> {
    const { session, client, result } = ctx.oidc;
    // A request resumed from an interaction has had its decision: the page took it after the first factor
    // (the result carries that login, with its amr), or this check took it before a later prompt stopped it.
    if (result !== undefined || !session?.accountId || !client) return undefined;
    const account = await this.#deps.accounts.findBySub(session.accountId);
    if (!account) return undefined;
    return this.#deps.gate.decide({
      stage: 'authorize',
      account,
      clientId: client.clientId,
      signIn: { session: session.uid, ...signInParams(ctx.oidc.params ?? {}) },
      appPolicy: appPolicyOf(client),
      request: await this.#acrRequest(ctx),
      sessionTwoFactorAt: sessionTwoFactorAt(session),
      clientIp: ctx.ip,
      deviceId: this.#deps.devices.deviceId(ctx),
    });
  }

  /** oidc-provider's reading of the request: its parameters, and the claims parameter it parsed (acr_values win over it). */
  #acrRequest(ctx: KoaContextWithOIDC): Promise<AcrRequest> {
    let request = this.#requests.get(ctx);
    if (!request) {
      const claim = (ctx.oidc.claims as { id_token?: { acr?: unknown } } | undefined)?.id_token?.acr;
      request = this.#deps.acrSettings().then((acr) => {
        try {
          return readAcrRequest(ctx.oidc.params ?? {}, claim, acr);
        } catch (error) {
          throw error instanceof MalformedAcrRequest ? new errors.InvalidRequest(error.message) : error;
        }
      });
      this.#requests.set(ctx, request);
    }
    return request;
  }
}

/** What the client gave to know its sign-in by. */
function signInParams(params: UnknownObject): SignInReference {
  const { state, nonce } = params;
  return { ...(typeof state === 'string' && { state }), ...(typeof nonce === 'string' && { nonce }) };
}

/** The request's acr as the interaction carries it; an interaction without one was not made by this policy. */
function acrRequestIn(details: UnknownObject): AcrRequest {
  const request = (details as SignInDetails).acrRequest;
  if (!request) throw new errors.SessionNotFound('the interaction carries no acr request');
  return request;
}
