import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from '../http/index.js';
import { InvalidRequest } from '../errors/index.js';
import { guardedRouter, readJson } from '../http/index.js';
import { ClockRangeError, type SharedClock } from '../time/index.js';
import { parseClockMove } from './clock-request.js';
import { CONTROL_PATH } from './control-path.js';
import { fixtureAndFaultRoutes, type FixtureAndFaultDependencies } from './fixture-and-fault-routes.js';
import { twoFactorControlRoutes, type TwoFactorControlDependencies } from './two-factor-routes.js';
import { webauthnControlRoutes, type WebAuthnControlDependencies } from './webauthn-routes.js';

export interface ControlDependencies extends TwoFactorControlDependencies, FixtureAndFaultDependencies, WebAuthnControlDependencies {
  /** Shows and moves `clock` (the emulator's Clock) for every replica. */
  sharedClock: SharedClock;
  /** controlGuards: run first in every route. */
  guards: Middleware[];
  logger: Logger;
  /** Back to the loaded fixtures: accounts, sessions, grants, clock, risk, decisions. */
  reset: () => Promise<void>;
}

/** The control plane for tests, under `/_mock` (DESIGN.md section 7, a contract). */
export function controlRoutes(deps: ControlDependencies): Router {
  const { sharedClock: clock, logger, reset } = deps;
  const router = guardedRouter(CONTROL_PATH, ...deps.guards);

  router.get('/clock', async (ctx) => {
    await clock.refresh();
    ctx.body = clock.read();
  });

  router.post('/clock', async (ctx) => {
    const move = parseClockMove(await readJson(ctx));
    try {
      if ('advanceSeconds' in move) await clock.advance(move.advanceSeconds);
      else await clock.travelTo(move.nowMs);
    } catch (error) {
      if (error instanceof ClockRangeError) throw new InvalidRequest(`${'advanceSeconds' in move ? 'advanceSeconds' : 'now'} would move the clock out of range: ${error.message}`);
      throw error;
    }
    logger.info(`clock moved: now ${clock.read().iso}`);
    ctx.body = clock.read();
  });

  router.post('/reset', async (ctx) => {
    await reset();
    logger.info('reset to the loaded fixtures');
    ctx.body = { status: 'reset', clock: clock.read() };
  });

  twoFactorControlRoutes(router, deps);
  fixtureAndFaultRoutes(router, deps);
  webauthnControlRoutes(router, deps);
  return router;
}
