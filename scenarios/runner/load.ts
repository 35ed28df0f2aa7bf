import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LoadedScenario } from './run-scenario.js';
import { scenarioSchema } from './schema.js';

export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError';
}

const isScenarioFile = (path: string) => /\.ya?ml$/.test(path);

/** Every scenario file under the given files and folders, sorted, each validated: a bad one names file, step and reason. */
export async function loadScenarios(paths: string[], cwd = process.cwd()): Promise<LoadedScenario[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await expand(resolve(cwd, path)).catch(() => Promise.reject(new ScenarioFileError(`${path}: no such file or folder`)))));
  if (files.length === 0) throw new ScenarioFileError(`no scenario files (.yaml) in ${paths.join(', ')}`);
  return Promise.all([...new Set(files)].sort().map(async (file) => ({ file: relative(cwd, file), scenario: await parseScenario(file, relative(cwd, file)) })));
}

async function expand(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && isScenarioFile(entry.name)).map((entry) => join(entry.parentPath, entry.name));
}

export async function parseScenario(file: string, name: string): Promise<LoadedScenario['scenario']> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ScenarioFileError(`${name}: is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = scenarioSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const [first, index] = issue.path;
  const where = first === 'steps' && typeof index === 'number' ? `step ${index + 1}${issue.path.length > 2 ? ` (${issue.path.slice(2).join('.')})` : ''}` : issue.path.join('.') || 'the file';
  const reason = issue.code === 'invalid_union' ? 'is not a known step (login, twoFactor, enroll, password, clock, risk, fixtures, fault, api, mail, open, setPassword, refresh, logout, explain), or has a field it does not know' : issue.message;
  throw new ScenarioFileError(`${name}: ${where}: ${reason}`);
}
