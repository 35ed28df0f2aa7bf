import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found once: the same whether running from `provider/` sources or from `dist/`. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('mock-visma-connect: cannot find the package root (no package.json above the sources)');
    dir = parent;
  }
  return dir;
}

const projectRoot = findRoot();
export const projectPath = (...segments: string[]): string => join(projectRoot, ...segments);
