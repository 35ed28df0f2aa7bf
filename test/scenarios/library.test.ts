import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResult, loadScenarios } from '../../scenarios/runner/index.js';
import { runScenario } from '../../scenarios/runner/run-scenario.js';
import { inProcessTarget, type RunningTarget } from '../../scenarios/runner/targets.js';

const library = await loadScenarios(['scenarios/library']);

describe('the scenario library', () => {
  let target: RunningTarget;
  beforeAll(async () => {
    target = await inProcessTarget(undefined);
  });
  afterAll(() => target.stop());

  it('holds at least 40 scenarios', () => {
    expect(library.length).toBeGreaterThanOrEqual(40);
  });

  it.each(library.map((loaded) => [loaded.scenario.name, loaded] as const))('%s', async (_name, loaded) => {
    const result = await runScenario(loaded, target);
    expect(result.passed, describeResult(result)).toBe(true);
  });
});
