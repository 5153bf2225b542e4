import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/adapters/routeros/routeros-host-key.js';
import { exitStatusOf, formatReport } from '../../src/app/doctor/doctor-report.js';
import { MiB } from '../../src/domain/size.js';
import { doctor, startDoctorLab, statuses, stopDoctorLab } from '../support/doctor-harness.js';
import type { DoctorLab } from '../support/doctor-harness.js';
import { ed25519Pair } from '../support/ssh-keys.js';

const RDS_CHECKS = ['RDS reachable', 'host key matches', 'RDS login', 'RouterOS version', 'volume base path exists', 'free space', 'RouterOS command forms'];

/** `rds-csi doctor` in controller mode against the RDS simulator, good and deliberately broken. */
describe('rds-csi doctor against the simulator', () => {
  let lab: DoctorLab | undefined;
  afterEach(async () => {
    await stopDoctorLab(lab);
    lab = undefined;
  });

  it('passes every check on a correct setup and exits 0', async () => {
    lab = await startDoctorLab();
    await lab.seedBaseDirectory();
    const results = await doctor(lab.flags());
    expect(statuses(results)).toEqual(['PASS configuration valid', ...RDS_CHECKS.map((n) => `PASS ${n}`)]);
    expect(results.find((r) => r.name === 'host key matches')?.detail).toBe(lab.sim.hostKeyFingerprint());
    expect(results.find((r) => r.name === 'RouterOS version')?.detail).toBe('RouterOS 7.16');
    expect(results.find((r) => r.name === 'free space')?.detail).toMatch(/^pool "storage-pool": 64\.0GiB free of 64\.0GiB/);
    expect(exitStatusOf(results)).toBe(0);
    expect(formatReport(results)).toMatch(/^PASS {2}configuration valid {2,}mode controller, RDS metal-csi@127\.0\.0\.1:\d+, base path \/storage-pool\/metal-csi$/m);
  });

  it('fails the host key check naming both fingerprints when the pin is wrong, and logs in nowhere', async () => {
    lab = await startDoctorLab();
    const other = fingerprintOf(Buffer.from('some other key'));
    const results = await doctor(lab.flags({ 'rds-host-key': other }));
    const hostKey = results.find((r) => r.name === 'host key matches');
    expect(hostKey).toMatchObject({ status: 'FAIL', detail: `mismatch: expected ${other}, the RDS presents ${lab.sim.hostKeyFingerprint()}` });
    expect(hostKey?.hint).toMatch(/update the pin/);
    expect(statuses(results).slice(3)).toEqual(['SKIP RDS login', 'SKIP RouterOS version', 'SKIP volume base path exists', 'SKIP free space', 'SKIP RouterOS command forms']);
    expect(lab.sim.commandLog()).toEqual([]);
    expect(exitStatusOf(results)).toBe(1);
  });

  it('without a pin: fails the configuration and the host key check, naming the key to pin', async () => {
    lab = await startDoctorLab();
    const results = await doctor(lab.flags({ 'rds-host-key': undefined }));
    expect(results[0]).toMatchObject({ status: 'FAIL', name: 'configuration valid', detail: expect.stringMatching(/--rds-host-key .* is required/) });
    const hostKey = results.find((r) => r.name === 'host key matches');
    expect(hostKey).toMatchObject({ status: 'FAIL', detail: `no host key is pinned; the RDS presents ${lab.sim.hostKeyFingerprint()}` });
    expect(hostKey?.hint).toContain(`--rds-host-key ${lab.sim.hostKeyFingerprint()}`);
    expect(lab.sim.commandLog()).toEqual([]);
    expect(exitStatusOf(results)).toBe(1);
  });

  it('with --rds-insecure-skip-host-key-check: warns about the host key, runs the rest, exits 0', async () => {
    lab = await startDoctorLab();
    await lab.seedBaseDirectory();
    const results = await doctor(lab.flags({ 'rds-host-key': undefined, 'rds-insecure-skip-host-key-check': '' }));
    expect(results.find((r) => r.name === 'host key matches')).toMatchObject({
      status: 'WARN',
      detail: `not verified (--rds-insecure-skip-host-key-check); the RDS presents ${lab.sim.hostKeyFingerprint()}`,
    });
    expect(statuses(results).filter((s) => !s.startsWith('PASS'))).toEqual(['WARN host key matches']);
    expect(exitStatusOf(results)).toBe(0);
  });

  it('reports an unreadable key file as a configuration failure and skips the RDS checks', async () => {
    lab = await startDoctorLab();
    const results = await doctor(lab.flags({ 'rds-key-file': join(lab.dir, 'missing-key') }));
    expect(results[0]).toMatchObject({ status: 'FAIL', name: 'configuration valid', detail: expect.stringMatching(/--rds-key-file: cannot read .*missing-key \(ENOENT\)/) });
    expect(statuses(results).slice(1)).toEqual(RDS_CHECKS.map((n) => `SKIP ${n}`));
    expect(exitStatusOf(results)).toBe(1);
  });

  it('reports a key file that holds no private key as a configuration failure', async () => {
    lab = await startDoctorLab();
    const bad = join(lab.dir, 'not-a-key');
    await writeFile(bad, 'hello\n');
    const results = await doctor(lab.flags({ 'rds-key-file': bad }));
    expect(results[0]).toMatchObject({ status: 'FAIL', name: 'configuration valid', detail: expect.stringMatching(/private key cannot be used/) });
    expect(exitStatusOf(results)).toBe(1);
  });

  it('fails "RDS reachable" when nothing listens on the port', async () => {
    lab = await startDoctorLab();
    const port = await closedPort();
    const results = await doctor(lab.flags({ 'rds-port': String(port) }));
    const reachable = results.find((r) => r.name === 'RDS reachable');
    expect(reachable).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/refused the TCP connection/) });
    expect(reachable?.hint).toMatch(/--rds-address and --rds-port/);
    expect(statuses(results).slice(2)).toEqual(RDS_CHECKS.slice(1).map((n) => `SKIP ${n}`));
    expect(exitStatusOf(results)).toBe(1);
  });

  it('fails the login when the RDS does not know the key, with the import command as hint', async () => {
    lab = await startDoctorLab();
    const stranger = join(lab.dir, 'stranger');
    await writeFile(stranger, ed25519Pair().private, { mode: 0o600 });
    const results = await doctor(lab.flags({ 'rds-key-file': stranger }));
    const login = results.find((r) => r.name === 'RDS login');
    expect(login).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/rejected SSH public-key authentication for user "metal-csi"/) });
    expect(login?.hint).toContain('/user ssh-keys import public-key-file=<file> user=metal-csi');
    expect(results.find((r) => r.name === 'host key matches')?.status).toBe('PASS');
  });

  it('fails when the volume base path does not exist on the RDS', async () => {
    lab = await startDoctorLab();
    const results = await doctor(lab.flags());
    const base = results.find((r) => r.name === 'volume base path exists');
    expect(base).toMatchObject({ status: 'FAIL', detail: '/storage-pool/metal-csi does not exist on the RDS' });
    expect(base?.hint).toContain('/file add type=directory name=storage-pool/metal-csi');
    expect(lab.sim.commandLog().map((c) => c.command)).toContain('/file print detail where name="storage-pool/metal-csi"');
    expect(exitStatusOf(results)).toBe(1);
  });

  it('fails the free-space check when the base path is on no pool', async () => {
    lab = await startDoctorLab();
    const results = await doctor(lab.flags({ 'volume-base-path': '/other-pool/csi' }));
    expect(results.find((r) => r.name === 'free space')).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/no pool mounted at "other-pool"/) });
  });

  it('warns below 10% free and fails at 0 bytes free', async () => {
    lab = await startDoctorLab();
    await lab.seedBaseDirectory();
    await lab.sim.faults.setPoolSize(12 * MiB);
    await lab.sim.execute('/disk add type=file file-path=/storage-pool/metal-csi/big.img file-size=10M slot=big');
    const low = (await doctor(lab.flags())).find((r) => r.name === 'free space');
    expect(low).toMatchObject({ status: 'WARN', detail: 'pool "storage-pool": 1.0MiB free of 12.0MiB (8.3%, below 10%)' });
    await lab.sim.faults.runOutOfSpace();
    const results = await doctor(lab.flags());
    expect(results.find((r) => r.name === 'free space')).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/0B free of 11\.0MiB; new volumes fail with RESOURCE_EXHAUSTED/) });
    expect(exitStatusOf(results)).toBe(1);
  });

  it('tries the command forms that are ours alone, read-only, and names a form RouterOS refuses', async () => {
    lab = await startDoctorLab();
    await lab.seedBaseDirectory();
    const before = await lab.sim.state();
    lab.sim.clearLog();
    const results = await doctor(lab.flags());
    expect(results.find((r) => r.name === 'RouterOS command forms')?.status).toBe('PASS');
    const tried = lab.sim.commandLog().map((c) => c.command);
    expect(tried).toEqual(expect.arrayContaining([
      '/disk print detail where nvme-tcp-server-nqn="nqn.2000-02.com.mikrotik:rds_csi_doctor.probe"',
      '/file print detail where name~"^storage-pool/metal-csi/rds_csi_doctor[.]probe[.]img\\$|^storage-pool/metal-csi/.+/rds_csi_doctor[.]probe[.]img\\$"',
      '/disk find slot="rds_csi_doctor.probe"',
      '/disk print detail',
    ]));
    expect(tried.filter((c) => !/^\/(disk|file) (print|find)|^\/system resource print/.test(c))).toEqual([]);
    expect((await lab.sim.state()).disks).toEqual(before.disks);

    lab.sim.faults.failMatching(/^\/disk find slot="/, 'syntax error (line 1 column 17)');
    const refused = (await doctor(lab.flags())).find((r) => r.name === 'RouterOS command forms');
    expect(refused).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('quoted slot in find') });
    expect(refused?.detail).toContain('syntax error');
    expect(refused?.hint).toContain('docs/rds-preparation.md');
  });

  it('warns about a RouterOS older than 7', async () => {
    lab = await startDoctorLab({ routerOsVersion: '6.49.7' });
    await lab.seedBaseDirectory();
    const results = await doctor(lab.flags());
    expect(results.find((r) => r.name === 'RouterOS version')).toMatchObject({ status: 'WARN', detail: 'RouterOS 6.49.7 is older than 7.x' });
    expect(exitStatusOf(results)).toBe(0);
  });

  it('lists every invalid flag as a configuration failure and runs nothing else', async () => {
    lab = await startDoctorLab();
    const results = await doctor(lab.flags({ 'rds-port': '99999', 'log-level': 'loud' }));
    expect(statuses(results)).toEqual(['FAIL configuration valid', 'FAIL configuration valid', 'SKIP other checks']);
    expect(results.map((r) => r.detail).join('\n')).toMatch(/--log-level .*loud[\s\S]*--rds-port .*99999/);
    expect(lab.sim.commandLog()).toEqual([]);
    expect(exitStatusOf(results)).toBe(1);
    const unknown = await doctor(['--no-such-flag']);
    expect(unknown[0]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/no-such-flag/) });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
