import type { FileRecord } from '../../adapters/routeros/routeros-output.js';
import { routerOsFileName } from '../../adapters/routeros/routeros-file-names.js';
import { CHECK, fail, pass } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

/** Evaluates `/file print detail where name="<base path without leading slash>"`, parsed. */
export function evaluateBasePath(basePath: string, files: readonly FileRecord[]): CheckResult {
  const name = routerOsFileName(basePath);
  const found = files.find((f) => f.name === basePath);
  if (!found) {
    return fail(
      CHECK.basePath,
      `${basePath} does not exist on the RDS`,
      `create it on the RDS: \`/file add type=directory name=${name}\`, or point --volume-base-path at an existing directory of the pool`,
    );
  }
  if (found.type !== 'directory') {
    return fail(CHECK.basePath, `${basePath} exists but is a ${found.type ?? 'file'}, not a directory`, 'choose another --volume-base-path');
  }
  return pass(CHECK.basePath, `${basePath} is a directory`);
}
