import { loadScenarios } from './load.js';
import { runScenario, type LoadedScenario, type ScenarioResult } from './run-scenario.js';
import { childProcessTarget, inProcessTarget, remoteTarget, type RunningTarget } from './targets.js';

export interface RunOptions {
  /** A running emulator; without it the runner starts its own. */
  url?: string;
  controlToken?: string;
  /** Emulators to spread the scenarios over (each its own process); 1 runs in this process. */
  parallel?: number;
  /** Fixtures for the emulators the runner starts (default: the embedded ones). */
  fixtures?: string;
  onResult?: (result: ScenarioResult) => void;
}

export interface RunSummary {
  results: ScenarioResult[];
  passed: number;
  failed: number;
  ms: number;
}

/** Runs scenario files (or folders of them) each in isolation: a reset before every one. */
export async function runScenarioFiles(paths: string[], options: RunOptions = {}): Promise<RunSummary> {
  return runScenarios(await loadScenarios(paths), options);
}

export async function runScenarios(scenarios: LoadedScenario[], options: RunOptions = {}): Promise<RunSummary> {
  const started = performance.now();
  const parallel = Math.max(1, Math.min(options.parallel ?? 1, scenarios.length));
  if (options.url && parallel > 1) throw new Error('--parallel needs emulators of its own: with --url the scenarios run one at a time');
  const targets: RunningTarget[] = options.url
    ? [await remoteTarget(options.url, options.controlToken)]
    : parallel === 1
      ? [await inProcessTarget(options.fixtures)]
      : await Promise.all(Array.from({ length: parallel }, () => childProcessTarget(options.fixtures)));
  const results = new Array<ScenarioResult>(scenarios.length);
  let next = 0;
  try {
    await Promise.all(
      targets.map(async (target) => {
        while (next < scenarios.length) {
          const index = next++;
          const result = await runScenario(scenarios[index]!, target);
          results[index] = result;
          options.onResult?.(result);
        }
      }),
    );
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
  }
  const passed = results.filter((result) => result.passed).length;
  return { results, passed, failed: results.length - passed, ms: performance.now() - started };
}
