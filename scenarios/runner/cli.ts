import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeResult, describeSummary, junitXml } from './report.js';
import { runScenarioFiles } from './runner.js';

const USAGE = 'usage: mock-visma-connect scenarios run [paths...] [--url URL] [--junit FILE] [--parallel N] [--fixtures FILE] [--control-token TOKEN]';

/** `mock-visma-connect scenarios run …`: exit 0 only when every scenario passed (1 when some failed, 2 for bad input). */
export async function scenariosCli(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { url: { type: 'string' }, junit: { type: 'string' }, parallel: { type: 'string' }, fixtures: { type: 'string' }, 'control-token': { type: 'string' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [command, ...paths] = options.positionals;
  if (command !== 'run') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const parallel = options.values.parallel === undefined ? 1 : Number(options.values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) {
    process.stderr.write(`--parallel must be a whole number from 1 to 16\n`);
    return 2;
  }
  try {
    const summary = await runScenarioFiles(paths.length ? paths : ['scenarios/library'], {
      ...(options.values.url && { url: options.values.url }),
      ...(options.values.fixtures && { fixtures: options.values.fixtures }),
      controlToken: options.values['control-token'] ?? process.env['CONTROL_TOKEN'],
      parallel,
      onResult: (result) => process.stdout.write(`${describeResult(result)}\n`),
    });
    process.stdout.write(`${describeSummary(summary)}\n`);
    if (options.values.junit) await writeFile(options.values.junit, junitXml(summary));
    return summary.failed === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`mock-visma-connect scenarios: ${(error as Error).message}\n`);
    return 2;
  }
}
