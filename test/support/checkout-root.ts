import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout this file belongs to, from wherever it runs: the sources, dist/ or the test build. */
export const CHECKOUT_ROOT = findRoot(import.meta.dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'Dockerfile'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no checkout (package.json next to a Dockerfile) above ${from}`);
  }
}
