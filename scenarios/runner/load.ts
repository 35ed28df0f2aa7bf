import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type * as z from 'zod';
import type { LoadedScenario } from './run-scenario.js';
import { scenarioSchema, STEP_KINDS } from './schema.js';

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
  const issue = pinpoint(parsed.error.issues[0]!, document);
  const [first, index] = issue.path;
  const where = first === 'steps' && typeof index === 'number' ? `step ${index + 1}${issue.path.length > 2 ? ` (${issue.path.slice(2).join('.')})` : ''}` : issue.path.join('.') || 'the file';
  const reason = issue.code === 'invalid_union' && issue.path.length === 2 ? `is not a known step (${STEP_KINDS.join(', ')}), or has a field it does not know` : issue.message;
  throw new ScenarioFileError(`${name}: ${where}: ${reason}`);
}

/** A step that no kind accepts is reported by the kind its key names: which field is wrong, and why. */
function pinpoint(issue: z.core.$ZodIssue, document: unknown): z.core.$ZodIssue {
  const [first, index] = issue.path;
  if (issue.code !== 'invalid_union' || first !== 'steps' || typeof index !== 'number' || issue.path.length !== 2) return issue;
  const step = (document as { steps: unknown[] }).steps[index];
  const kind = STEP_KINDS.findIndex((key) => typeof step === 'object' && step !== null && key in step);
  const inner = issue.errors[kind]?.[0];
  return inner ? { ...inner, path: [...issue.path, ...inner.path] } : issue;
}
