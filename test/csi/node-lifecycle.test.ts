import { status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGetVolumeStatsResponse } from '../../src/generated/csi/csi.js';
import { blockCapability, GiB, Mode, mountCapability, req } from '../support/csi-requests.js';
import { hasCapSysResource, nodeReq, provision, startNodeDriver } from '../support/node-harness.js';

const exec = promisify(execFile);
const mounted = async (path: string) => (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((l) => l.split(' ')[4] === path);

describe.each(['ext4', 'xfs'] as const)('filesystem volume lifecycle through the CSI socket (%s)', (fsType) => {
  let env: Awaited<ReturnType<typeof startNodeDriver>>;
  beforeAll(async () => {
    env = await startNodeDriver();
  });
  afterAll(async () => env.stop());

  it('stages, publishes, keeps data across a restage, grows online, and leaves nothing behind', async () => {
    const { t, lab } = env;
    const c = t.client;
    const id = `vol-life-${fsType}`;
    const cap = mountCapability(Mode.SINGLE_NODE_WRITER, fsType);
    const contexts = await provision(t, id, cap, GiB);
    const staging = await lab.directory(`${fsType}/staging`);
    await lab.directory(`${fsType}/pod`);
    const target = join(lab.dir, fsType, 'pod', 'target');

    await c.call(c.node, 'nodeStageVolume', nodeReq.stage(id, staging, cap, contexts));
    await c.call(c.node, 'nodePublishVolume', nodeReq.publish(id, staging, target, cap));
    expect(await mounted(target)).toBe(true);
    await writeFile(join(target, 'hello.txt'), 'kept across restage');
    await c.call(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(id, target));
    expect(existsSync(target)).toBe(false);
    await c.call(c.node, 'nodeUnstageVolume', nodeReq.unstage(id, staging));
    expect(await mounted(staging)).toBe(false);

    await c.call(c.node, 'nodeStageVolume', nodeReq.stage(id, staging, cap, contexts));
    await c.call(c.node, 'nodePublishVolume', nodeReq.publish(id, staging, target, cap));
    expect(await readFile(join(target, 'hello.txt'), 'utf8')).toBe('kept across restage');
    const fsFound = (await exec('findmnt', ['-n', '-o', 'FSTYPE', target])).stdout.trim();
    expect(fsFound).toBe(fsType);

    await c.call(c.controller, 'controllerExpandVolume', req.expand(id, 2n * GiB));
    const expand = c.call(c.node, 'nodeExpandVolume', nodeReq.expand(id, staging, 2n * GiB));
    if (fsType === 'xfs' || (await hasCapSysResource())) {
      expect(await expand).toEqual({ capacityBytes: 2n * GiB });
      const stats = await c.call<object, NodeGetVolumeStatsResponse>(c.node, 'nodeGetVolumeStats', nodeReq.stats(id, target));
      expect(stats.usage[0]!.total).toBeGreaterThan((3n * GiB) / 2n);
      expect(stats.volumeCondition).toEqual({ abnormal: false, message: 'volume is healthy' });
    } else {
      // This sandbox withholds CAP_SYS_RESOURCE, which the kernel requires for ext4 online resize:
      // the driver must report resize2fs's refusal, not pretend it grew.
      const error = (await expand.catch((e: ServiceError) => e)) as ServiceError;
      expect(error.code).toBe(status.INTERNAL);
      expect(t.logger.text()).toMatch(/resize2fs/);
    }

    await c.call(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(id, target));
    await c.call(c.node, 'nodeUnstageVolume', nodeReq.unstage(id, staging));
    await c.call(c.controller, 'controllerUnpublishVolume', req.unpublish(id, 'node-1'));
    await c.call(c.controller, 'deleteVolume', req.delete(id));
    expect(await mounted(staging)).toBe(false);
    const loops = (await exec('losetup', ['--list', '--noheadings', '--output', 'BACK-FILE'])).stdout;
    expect(loops).not.toContain(t.driver.connection!.embedded!.simulator.backingFilePath(`/storage-pool/csi/${id}.img`));
    expect(existsSync(t.driver.connection!.embedded!.simulator.backingFilePath(`/storage-pool/csi/${id}.img`))).toBe(false);
  });

  it('publishes read-only: writes through the target fail', async () => {
    const { t, lab } = env;
    const c = t.client;
    const id = `vol-ro-${fsType}`;
    const cap = mountCapability(Mode.SINGLE_NODE_MULTI_WRITER, fsType);
    const contexts = await provision(t, id, cap, GiB);
    const staging = await lab.directory(`ro-${fsType}/staging`);
    await lab.directory(`ro-${fsType}/pods`);
    const rw = join(lab.dir, `ro-${fsType}`, 'pods', 'rw');
    const ro = join(lab.dir, `ro-${fsType}`, 'pods', 'ro');
    await c.call(c.node, 'nodeStageVolume', nodeReq.stage(id, staging, cap, contexts));
    await c.call(c.node, 'nodePublishVolume', nodeReq.publish(id, staging, rw, cap));
    await c.call(c.node, 'nodePublishVolume', nodeReq.publish(id, staging, ro, cap, true));
    await writeFile(join(rw, 'w.txt'), 'writable');
    await expect(writeFile(join(ro, 'x.txt'), 'no')).rejects.toMatchObject({ code: 'EROFS' });
    expect(await readFile(join(ro, 'w.txt'), 'utf8')).toBe('writable');
  });
});

describe('block volume lifecycle through the CSI socket', () => {
  let env: Awaited<ReturnType<typeof startNodeDriver>>;
  beforeAll(async () => {
    env = await startNodeDriver();
  });
  afterAll(async () => env.stop());

  it('exposes a device node (not a bind mount from /dev), reads and writes raw bytes, refuses writes when read-only', async () => {
    const { t, lab } = env;
    const c = t.client;
    const id = 'vol-block';
    const cap = blockCapability(Mode.SINGLE_NODE_MULTI_WRITER);
    const contexts = await provision(t, id, cap, GiB);
    const staging = await lab.directory('block/staging');
    await mkdir(join(lab.dir, 'block/publish'), { recursive: true });
    const rwTarget = join(lab.dir, 'block/publish/pod-a');
    const roTarget = join(lab.dir, 'block/publish/pod-b');
    await c.call(c.node, 'nodeStageVolume', nodeReq.stage(id, staging, cap, contexts));
    await c.call(c.node, 'nodePublishVolume', nodeReq.publish(id, staging, rwTarget, cap));
    await c.call(c.node, 'nodePublishVolume', nodeReq.publish(id, staging, roTarget, cap, true));
    expect(await mounted(rwTarget)).toBe(false);

    const pattern = Buffer.from('raw bytes on an NVMe/TCP namespace');
    const rw = await open(rwTarget, 'r+');
    await rw.write(pattern, 0, pattern.length, 4096);
    await rw.sync();
    await rw.close();
    const ro = await open(roTarget, 'r');
    const back = Buffer.alloc(pattern.length);
    await ro.read(back, 0, back.length, 4096);
    await ro.close();
    expect(back.equals(pattern)).toBe(true);
    // The kernel refuses the write itself (the node points at a read-only view), even for root.
    const refused = await (async () => {
      const handle = await open(roTarget, 'r+');
      try {
        await handle.write(Buffer.from('must not land'), 0, 13, 4096);
        await handle.sync();
        return undefined;
      } finally {
        await handle.close();
      }
    })().catch((e: NodeJS.ErrnoException) => e.code);
    expect(refused).toMatch(/EROFS|EACCES|EPERM/);

    const stats = await c.call<object, NodeGetVolumeStatsResponse>(c.node, 'nodeGetVolumeStats', nodeReq.stats(id, rwTarget));
    expect(stats.usage[0]?.total).toBe(GiB);
    await c.call(c.controller, 'controllerExpandVolume', req.expand(id, 2n * GiB, { volumeCapability: cap }));
    expect(await c.call(c.node, 'nodeExpandVolume', nodeReq.expand(id, rwTarget, 2n * GiB))).toEqual({ capacityBytes: 2n * GiB });

    for (const target of [rwTarget, roTarget]) await c.call(c.node, 'nodeUnpublishVolume', nodeReq.unpublish(id, target));
    expect(existsSync(rwTarget) || existsSync(roTarget)).toBe(false);
    await c.call(c.node, 'nodeUnstageVolume', nodeReq.unstage(id, staging));
    await c.call(c.controller, 'controllerUnpublishVolume', req.unpublish(id, 'node-1'));
    await c.call(c.controller, 'deleteVolume', req.delete(id));
    const loops = (await exec('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'])).stdout;
    expect(loops).not.toContain(lab.dir);
  });
});
