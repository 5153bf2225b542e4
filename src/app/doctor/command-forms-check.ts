import type { RouterOsCommandRunner } from '../../adapters/routeros/routeros-command-runner.js';
import {
  findDiskCommand,
  printAllDisksCommand,
  printDisksByNqnCommand,
  printVolumeFilesCommand,
} from '../../adapters/routeros/routeros-commands.js';
import { parseDiskListing, parseDiskPrint, parseFilePrint } from '../../adapters/routeros/routeros-output.js';
import { parseVolumeId } from '../../domain/ids.js';
import { nqnForVolume } from '../../domain/nqn.js';
import type { BasePath } from '../../domain/storage-path.js';
import { CHECK, fail, pass } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

/** An ID no volume has: letters, digits, '_' and '.', so its slot is sent quoted. */
const PROBE_ID = parseVolumeId('rds_csi_doctor.probe');

interface FormProbe {
  /** The form, as docs/rds-preparation.md names it. */
  readonly form: string;
  run(runner: RouterOsCommandRunner): Promise<unknown>;
}

/**
 * The command forms rds-csi sends that the Go driver never ran on hardware (docs/rds-preparation.md,
 * "Where the command forms differ"), each tried read-only with values that match nothing: RouterOS
 * must accept the syntax and answer with an empty (or, for the listing, parseable) result.
 */
export function commandFormProbes(basePath: BasePath): readonly FormProbe[] {
  return [
    { form: 'read by NQN (`where nvme-tcp-server-nqn="…"`)', run: (r) => r.readParsed(printDisksByNqnCommand(nqnForVolume(PROBE_ID)), parseDiskPrint) },
    { form: 'file name regex (`name~"^…[.]img\\$|…"`)', run: (r) => r.readParsed(printVolumeFilesCommand(basePath, PROBE_ID), parseFilePrint) },
    { form: 'quoted slot in find (`[find slot="…"]`)', run: (r) => r.read(findDiskCommand(PROBE_ID)) },
    { form: 'listing every disk (`/disk print detail`)', run: (r) => r.readParsed(printAllDisksCommand(), parseDiskListing) },
  ];
}

export async function checkCommandForms(runner: RouterOsCommandRunner, basePath: BasePath): Promise<CheckResult> {
  const refused: string[] = [];
  for (const probe of commandFormProbes(basePath)) {
    try {
      const answer = await probe.run(runner);
      if (Array.isArray(answer) && answer.length > 0) refused.push(`${probe.form}: matched ${answer.length} entries where none exist`);
    } catch (error) {
      refused.push(`${probe.form}: ${(error as Error).message}`);
    }
  }
  if (refused.length === 0) return pass(CHECK.commandForms, 'RouterOS accepts every form rds-csi uses beyond the Go driver\'s (read-only tries)');
  return fail(
    CHECK.commandForms,
    refused.join('; '),
    'this RouterOS version reads a form differently: see "Where the command forms differ" in docs/rds-preparation.md, and report the RouterOS version and this line',
  );
}
