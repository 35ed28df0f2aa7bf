import { checkOverlay, mergeOverlay, type FixtureOverlayDependencies, type MergedOverlay } from '../control/index.js';
import { FixtureError, type FixtureProblem } from '../fixtures/index.js';

const SOURCE = 'the control room';

/** What the room's first look at the editor offers: an overlay QA changes often, explained. */
export const EXAMPLE_OVERLAY = `# Merged over the loaded fixtures (as POST /_mock/fixtures does): tenants, domains and
# clients replace theirs by id, users by e-mail. Same schema as fixtures/default.yaml.
domains:
  - name: exempel.se
    twoFactor: required
`;

/** The editor after a check or an apply: the text as typed, every problem by path, or what was (or would be) merged. */
export interface FixtureEdit {
  yaml: string;
  problems: FixtureProblem[];
  /** A check that found nothing wrong: what applying it would merge. */
  checked: Omit<MergedOverlay, 'status'> | undefined;
  merged: boolean;
}

/**
 * Checks YAML (or JSON) fixtures as the control plane does and, when asked and valid, merges them.
 * Every schema problem is listed by its path; past the schema, the first reference or client problem.
 */
export async function editFixtures(deps: FixtureOverlayDependencies, yaml: string, apply: boolean): Promise<FixtureEdit> {
  const failed = (problems: FixtureProblem[]): FixtureEdit => ({ yaml, problems, checked: undefined, merged: false });
  // The YAML parser and the fixture schema are loaded on the first edit, not with the room.
  const [{ parse: parseYaml, YAMLParseError }, { schemaProblems }] = await Promise.all([import('yaml'), import('../fixtures/parse.js')]);
  let document: unknown;
  try {
    document = parseYaml(yaml, { prettyErrors: true, uniqueKeys: true }) ?? {};
  } catch (error) {
    // Whatever the parser throws is the text's problem: a syntax error has a position, an alias bomb
    // (yaml's 'Excessive alias count', a ReferenceError) has none.
    const [position] = error instanceof YAMLParseError ? (error.linePos ?? []) : [];
    return failed([{ path: position ? `line ${position.line}, column ${position.col}` : '', reason: (error as Error).message.split('\n')[0]! }]);
  }
  const problems = schemaProblems(document);
  if (problems.length) return failed(problems);
  try {
    if (apply) {
      await mergeOverlay(deps, document, SOURCE);
      return { yaml, problems: [], checked: undefined, merged: true };
    }
    const overlay = await checkOverlay(deps, document, SOURCE);
    return { yaml, problems: [], checked: { tenants: overlay.tenants.length, domains: overlay.domains.length, clients: overlay.clients.length, users: overlay.users.length }, merged: false };
  } catch (error) {
    if (error instanceof FixtureError) return failed([{ path: error.path, reason: error.reason }]);
    throw error;
  }
}
