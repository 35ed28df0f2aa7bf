import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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
  const refused = optionProblem(options.values, parallel) ?? (options.values.junit === undefined ? undefined : await unwritable(options.values.junit));
  if (refused) {
    process.stderr.write(`${refused}\n`);
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
    if (options.values.junit !== undefined) await writeFile(options.values.junit, junitXml(summary));
    return summary.failed === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`mock-visma-connect scenarios: ${(error as Error).message}\n`);
    return 2;
  }
}

/** What is wrong with the options, before any scenario runs. */
function optionProblem(values: { url?: string; fixtures?: string; junit?: string }, parallel: number): string | undefined {
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) return '--parallel must be a whole number from 1 to 16';
  if (values.url !== undefined && values.fixtures !== undefined) return '--fixtures is for the emulators the runner starts; with --url the running emulator keeps its own (each scenario may bring fixtures of its own)';
  if (values.junit === '') return '--junit must name a file';
  return undefined;
}

/** Why the JUnit report could not be written where asked, found before the suite runs rather than after. */
async function unwritable(file: string): Promise<string | undefined> {
  const where = await stat(file).catch(() => undefined);
  if (where?.isDirectory()) return `--junit ${file} is a directory`;
  return access(where ? file : dirname(resolve(file)), constants.W_OK).then(
    () => undefined,
    (error: Error) => `--junit ${file} cannot be written: ${error.message}`,
  );
}
