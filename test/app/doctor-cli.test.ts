import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BUILT_MAIN as main, NODE as node } from '../support/built-driver.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDoctorLab, stopDoctorLab } from '../support/doctor-harness.js';
import type { DoctorLab } from '../support/doctor-harness.js';

const run = promisify(execFile);

/** The built `rds-csi doctor`, run as an operator would, against the simulator. */
describe('rds-csi doctor (built executable)', () => {
  let lab: DoctorLab;
  beforeAll(async () => {
    lab = await startDoctorLab();
    await lab.seedBaseDirectory();
  }, 120_000);
  afterAll(async () => stopDoctorLab(lab));

  it('exits 0 and prints one PASS line per check for a correct controller setup', async () => {
    const { stdout } = await run(node, [main, 'doctor', ...lab.flags()], { env: {} });
    expect(stdout.split('\n').filter((l) => /^(PASS|WARN|FAIL|SKIP) /.test(l))).toHaveLength(8);
    expect(stdout).not.toMatch(/^(WARN|FAIL|SKIP) /m);
    expect(stdout).toMatch(/^PASS {2}host key matches +SHA256:/m);
    expect(stdout).toMatch(/^0 failed, 0 warnings, 8 passed, 0 skipped$/m);
  });

  it('exits 1 on a failing check, printing the hint', async () => {
    const failure = await run(node, [main, 'doctor', ...lab.flags({ 'volume-base-path': '/storage-pool/nowhere' })], { env: {} }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    const { stdout } = failure as { stdout: string };
    expect(stdout).toMatch(/^FAIL {2}volume base path exists +\/storage-pool\/nowhere does not exist on the RDS$/m);
    expect(stdout).toMatch(/^ {6}hint: create it on the RDS: `\/file add type=directory name=storage-pool\/nowhere`/m);
  });

  it('exits 1 on invalid flags', async () => {
    const failure = await run(node, [main, 'doctor', '--mode', 'sideways'], { env: {} }).catch((e: { code: number; stdout: string }) => e);
    expect(failure).toMatchObject({ code: 1, stdout: expect.stringMatching(/^FAIL {2}configuration valid +--mode \(RDS_CSI_MODE\): "sideways" is not one of/m) });
  });
});
