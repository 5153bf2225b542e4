import { hostname } from 'node:os';
import { DEFAULT_COMMAND_RUNNER_SETTINGS, SpawnCommandRunner } from '../../adapters/process/spawn-command-runner.js';
import { ROUTEROS_DEFAULTS } from '../../adapters/routeros/routeros-config.js';
import { exitStatusOf, formatReport } from './doctor-report.js';
import { hostNodeEnvironment, runDoctor } from './run-doctor.js';

/** `rds-csi doctor [flags]` on the real host: prints the report, returns the exit status. */
export async function runDoctorCommand(argv: readonly string[]): Promise<number> {
  const results = await runDoctor(argv, {
    env: process.env,
    hostname: hostname(),
    node: hostNodeEnvironment(new SpawnCommandRunner(DEFAULT_COMMAND_RUNNER_SETTINGS)),
    rdsTimeoutMs: ROUTEROS_DEFAULTS.connectTimeoutMs,
  });
  process.stdout.write(formatReport(results));
  return exitStatusOf(results);
}
