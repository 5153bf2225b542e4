import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateVolumeResponse } from '../../src/generated/csi/csi.js';
import type { RdsSimulator } from '../../simulator/rds-simulator.js';
import { removeDir, startDriver } from '../support/csi-driver-harness.js';
import type { DriverUnderTest } from '../support/csi-driver-harness.js';
import { GiB, req } from '../support/csi-requests.js';

/**
 * The RouterOS commands one CreateVolume or DeleteVolume RPC sends, exactly, as the simulator logs
 * them while the real driver serves the RPC through its CSI socket. The only command not caused by an
 * RPC, the timer-driven pool read for metrics, is left out.
 */
let t: DriverUnderTest;
let sim: RdsSimulator;
beforeAll(async () => {
  t = await startDriver();
  sim = t.driver.connection!.embedded!.simulator;
});
afterAll(async () => {
  await t.stop();
  await removeDir(t.dir);
});
beforeEach(() => sim.clearLog());

const POOL_READ = '/disk print detail where mount-point="storage-pool"';
const sent = () => sim.commandLog().map((r) => r.command).filter((c) => c !== POOL_READ);
const create = (name: string, bytes = GiB) =>
  t.client.call<object, CreateVolumeResponse>(t.client.controller, 'createVolume', req.create(name, { capacityRange: { requiredBytes: bytes, limitBytes: 0n } }));
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: ServiceError) => e);
const nqnRead = (id: string) => `/disk print detail where nvme-tcp-server-nqn="nqn.2000-02.com.mikrotik:${id.toLowerCase()}"`;
const add = (id: string, size: string) =>
  `/disk add type=file file-path=/storage-pool/csi/${id}.img file-size=${size} slot=${id} nvme-tcp-export=yes ` +
  `nvme-tcp-server-port=4420 nvme-tcp-server-nqn=nqn.2000-02.com.mikrotik:${id.toLowerCase()}`;
const removes = (id: string) => [
  `/disk remove [find slot=${id}]`,
  `/file remove [find name~"^storage-pool/csi/${id}[.]img\\$|^storage-pool/csi/.+/${id}[.]img\\$"]`,
];

describe('RouterOS commands per controller RPC', () => {
  it('CreateVolume of a new volume: one read by NQN, then the add (2)', async () => {
    const response = await create('seq-new', 3n * GiB / 2n);
    expect(response.volume).toMatchObject({ volumeId: 'seq-new', capacityBytes: 3n * GiB / 2n });
    expect(sent()).toEqual([nqnRead('seq-new'), add('seq-new', '1536M')]);
    expect((await sim.state()).disks.find((d) => d.slot === 'seq-new')).toMatchObject({ sizeBytes: 1536 * 2 ** 20 });
  });

  it('CreateVolume repeated with the same name and size: the read alone answers it (1)', async () => {
    const first = await create('seq-again');
    sim.clearLog();
    expect((await create('seq-again')).volume).toEqual(first.volume);
    expect(sent()).toEqual([nqnRead('seq-again')]);
  });

  it('CreateVolume repeated with another size: ALREADY_EXISTS from the read alone (1)', async () => {
    await create('seq-size');
    sim.clearLog();
    const error = await failure(create('seq-size', 2n * GiB));
    expect(error?.code).toBe(status.ALREADY_EXISTS);
    expect(error?.details).toContain('outside the requested range');
    expect(sent()).toEqual([nqnRead('seq-size')]);
    expect((await sim.state()).disks.filter((d) => d.slot === 'seq-size')).toMatchObject([{ sizeBytes: 2 ** 30 }]);
  });

  it('CreateVolume of an ID whose NQN another volume has (IDs differing in case): ALREADY_EXISTS, nothing added (1)', async () => {
    await create('Seq-Case');
    sim.clearLog();
    const error = await failure(create('seq-case'));
    expect(error?.code).toBe(status.ALREADY_EXISTS);
    expect(error?.details).toContain('Seq-Case');
    expect(sent()).toEqual([nqnRead('seq-case')]);
    expect(await sim.diskSlots()).not.toContain('seq-case');
  });

  it('DeleteVolume of an existing volume: disk remove, then file remove, no read (2)', async () => {
    const { volume } = await create('seq-del');
    const file = sim.backingFilePath(volume!.volumeContext.volumePath!);
    expect(existsSync(file)).toBe(true);
    sim.clearLog();
    await t.client.call(t.client.controller, 'deleteVolume', req.delete('seq-del'));
    expect(sent()).toEqual(removes('seq-del'));
    expect(await sim.diskSlots()).not.toContain('seq-del');
    expect(existsSync(file)).toBe(false);
  });

  it('DeleteVolume of an absent volume: the same two commands, and success (2)', async () => {
    await t.client.call(t.client.controller, 'deleteVolume', req.delete('seq-never'));
    expect(sent()).toEqual(removes('seq-never'));
  });
});
