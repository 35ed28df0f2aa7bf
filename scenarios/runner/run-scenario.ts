import { interpolate } from './expectations.js';
import type { Scenario } from './schema.js';
import { perform, StepFailure } from './steps.js';
import { whyRefused, World, type Target } from './world.js';

export interface StepResult {
  index: number;
  label: string;
  passed: boolean;
  problem: string | undefined;
}

export interface ScenarioResult {
  file: string;
  name: string;
  passed: boolean;
  ms: number;
  steps: StepResult[];
}

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

/** Resets the emulator, lays the scenario's fixtures over the loaded ones, and walks its steps; the first failing step ends it. */
export async function runScenario({ file, scenario }: LoadedScenario, target: Target): Promise<ScenarioResult> {
  const started = performance.now();
  const world = new World(target);
  const steps: StepResult[] = [];
  const finish = (passed: boolean) => ({ file, name: scenario.name, passed, ms: performance.now() - started, steps });

  const setup = await prepare(world, scenario);
  if (setup) {
    steps.push({ index: 0, label: 'setup', passed: false, problem: setup });
    return finish(false);
  }
  for (const [i, raw] of scenario.steps.entries()) {
    const label = `step ${i + 1} (${raw.name ?? raw.kind})`;
    try {
      await perform(world, interpolate(raw, world.vars));
      steps.push({ index: i + 1, label, passed: true, problem: undefined });
    } catch (error) {
      const problem = error instanceof StepFailure ? error.lines.join('\n') : `${(error as Error).message}`;
      steps.push({ index: i + 1, label, passed: false, problem });
      return finish(false);
    }
  }
  return finish(true);
}

async function prepare(world: World, scenario: Scenario): Promise<string | undefined> {
  const reset = await world.call('POST', '/_mock/reset');
  if (reset.status !== 200) return `POST /_mock/reset answered ${reset.status}: ${JSON.stringify(reset.body)}`;
  if (scenario.fixtures) {
    const merged = await world.call('POST', '/_mock/fixtures', scenario.fixtures);
    if (merged.status !== 200) return `the scenario's fixtures were refused: ${whyRefused(merged)}`;
    world.learnFixtures(scenario.fixtures);
  }
  return undefined;
}
