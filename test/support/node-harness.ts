import { join } from 'node:path';
import {
  type ControllerPublishVolumeResponse,
  type CreateVolumeResponse,
  type VolumeCapability,
} from '../../src/generated/csi/csi.js';
import { startDriver } from './csi-driver-harness.js';
import type { DriverUnderTest } from './csi-driver-harness.js';
import { req } from './csi-requests.js';
import { LoopLab } from './loop-lab.js';

/** The driver in mode all on the embedded simulator, with real loop devices, all under one lab dir. */
export async function startNodeDriver(extraFlags: string[] = []): Promise<{ t: DriverUnderTest; lab: LoopLab; stop(): Promise<void> }> {
  const lab = await LoopLab.create('node');
  const t = await startDriver({
    dir: lab.dir,
    flags: ['--embedded-rds', join(lab.dir, 'rds'), '--node-state-dir', join(lab.dir, 'node-state'), ...extraFlags],
  });
  return {
    t,
    lab,
    stop: async () => {
      await t.stop().catch(() => undefined);
      await lab.cleanup();
    },
  };
}

/** A created and controller-published volume, with the contexts NodeStage receives. */
export async function provision(t: DriverUnderTest, name: string, capability: VolumeCapability, sizeBytes: bigint) {
  const created = await t.client.call<object, CreateVolumeResponse>(t.client.controller, 'createVolume', req.create(name, { volumeCapabilities: [capability], capacityRange: { requiredBytes: sizeBytes, limitBytes: 0n } }));
  const published = await t.client.call<object, ControllerPublishVolumeResponse>(t.client.controller, 'controllerPublishVolume', req.publish(name, 'node-1', { volumeCapability: capability }));
  return { volumeContext: created.volume!.volumeContext, publishContext: published.publishContext };
}

export { nodeReq } from './csi-requests.js';

/** CAP_SYS_RESOURCE (bit 24): ext4 online resize needs it; some sandboxes (this CI) withhold it. */
export async function hasCapSysResource(): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  const line = (await readFile('/proc/self/status', 'utf8')).split('\n').find((l) => l.startsWith('CapEff:'));
  return line !== undefined && (BigInt(`0x${line.split(/\s+/)[1]}`) & (1n << 24n)) !== 0n;
}
