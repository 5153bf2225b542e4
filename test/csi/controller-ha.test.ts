import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { FakeKubeApi } from '../support/fake-kube-api/fake-kube-api.js';
import type { KubeObject } from '../support/fake-kube-api/kube-object.js';
import { removeDir, startDriver, tempDir } from '../support/csi-driver-harness.js';
import type { DriverUnderTest } from '../support/csi-driver-harness.js';
import { DRIVER, putAttachedVa, putPv } from '../support/kube-store-harness.js';
import { join } from 'node:path';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


describe('two controller replicas', () => {
  it('elect one leader on a Lease, and the leader clears an attachment whose VolumeAttachment went away', async () => {
    const api = await FakeKubeApi.start();
    const dir = await tempDir();
    cleanups.push(async () => api.stop(), async () => removeDir(dir));
    putPv(api, 'vol-ha', { annotations: { [`${DRIVER}/attached-node`]: 'node-gone', [`${DRIVER}/attached-at`]: '2026-01-01T00:00:00Z' } });
    putAttachedVa(api, 'vol-ha', 'node-gone');
    const replicas: DriverUnderTest[] = [];
    for (const name of ['ctl-a', 'ctl-b']) {
      const t = await startDriver({
        dir: join(dir, name),
        kube: api,
        flags: ['--mode', 'controller', '--embedded-rds', join(dir, 'rds', name), '--reconcile-interval', '5', '--leader-election-identity', name, '--leader-election-namespace', 'rds-csi'],
      });
      replicas.push(t);
      cleanups.push(async () => t.stop());
    }
    const lease = () => api.get<{ spec?: { holderIdentity?: string } }>('leases', 'rds-csi-srvlab-io-controller', 'rds-csi')?.spec?.holderIdentity;
    await until(() => lease() === 'ctl-a' || lease() === 'ctl-b');
    const leader = lease();
    api.delete('volumeattachments', 'csi-vol-ha-node-gone');
    await until(() => api.get<KubeObject>('persistentvolumes', 'vol-ha')?.metadata?.annotations?.[`${DRIVER}/attached-node`] === undefined);
    const corrections = replicas.map((r) => r.logger.lines.filter((l) => l.message === 'attachment record corrected from the orchestrator').length);
    // Exactly one replica corrects the record: the one holding the Lease. Under a loaded machine a
    // renewal can come late and the Lease move between the two reads, so either holder seen counts.
    expect(corrections.reduce((a, b) => a + b, 0)).toBe(1);
    const corrector = corrections[0] === 1 ? 'ctl-a' : 'ctl-b';
    expect([leader, lease()]).toContain(corrector);
  }, 60_000);
});
