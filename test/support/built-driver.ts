import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');

/** Where the test run's one build of the driver goes (vitest's global setup makes it). */
export const BUILT_DIR = join(root, 'node_modules/.cache/rds-csi-test-build');
/** The built `rds-csi` entry point, run with `node` as an operator runs it. */
export const BUILT_MAIN = join(BUILT_DIR, 'src/app/main.js');
/** The bundled entry points (scripts/bundle.mjs), as the image and the NVMe/TCP guest run them. */
export const BUILT_BUNDLE = join(BUILT_DIR, 'bundle');
/** The Node.js the project runs on (the `node` package), for child processes. */
export const NODE = join(root, 'node_modules/.bin/node');

/** Builds the driver once for every test file that runs it as a process. */
export async function buildDriver(): Promise<void> {
  await promisify(execFile)(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', BUILT_DIR]);
  await promisify(execFile)(NODE, [join(root, 'scripts/bundle.mjs'), BUILT_DIR], { cwd: root });
}
