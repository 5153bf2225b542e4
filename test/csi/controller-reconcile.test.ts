import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRwo } from '../support/attacher.js';
import { BUILT_MAIN } from '../support/built-driver.js';
import { ControllerCluster } from '../support/controller-processes.js';
import type { ControllerProcess, LogLine } from '../support/controller-processes.js';
import { DRIVER, putPv } from '../support/kube-store-harness.js';
import { until } from '../support/until.js';

const GRACE_S = 8;
const STALE = 10;
const WRITE_DELAY_MS = 1_000;

const passes = (r: ControllerProcess): (LogLine & { cleared: number; listedAt: string })[] =>
  r.lines('reconcile pass finished') as (LogLine & { cleared: number; listedAt: string })[];

/**
 * The leader's reconcile pass in a real controller process, made slower than the grace by a slow
 * API server: an attachment made just before the VolumeAttachments were listed survives the pass,
 * however long the pass takes, while stale records in the same pass are cleared.
 */
describe('reconcile passes of a real controller replica', () => {
  let cluster: ControllerCluster;
  let replicas: ControllerProcess[];

  beforeAll(async () => {
    cluster = await ControllerCluster.start({
      main: BUILT_MAIN,
      flags: ['--reconcile-interval', '5', '--reconcile-grace', String(GRACE_S), '--leader-election-lease-duration', '4', '--leader-election-retry-period', '1'],
    });
    cluster.registerNodes(['worker-young']);
    replicas = [cluster.spawn('ctl-a'), cluster.spawn('ctl-b')];
    await Promise.all(replicas.map((r) => r.ready()));
  }, 60_000);
  afterAll(async () => cluster?.stop());

  it('a pass slower than the grace never clears an attachment younger than the grace when the list was taken', async () => {
    await until(() => cluster.leader() !== undefined);
    const leader = replicas.find((r) => r.name === cluster.leader())!;
    const follower = replicas.find((r) => r !== leader)!;
    const context = await cluster.provision(leader, 'vol-young', { rwo: true });
    cluster.api.delete('persistentvolumes', 'vol-young');
    // Start right after a pass, so the next one lists after everything below is in place.
    const seen = passes(leader).length;
    await until(() => passes(leader).length > seen);
    cluster.api.faults.slow('persistentvolumes', 'patch', WRITE_DELAY_MS);
    for (let i = 0; i < STALE; i += 1) {
      putPv(cluster.api, `vol-stale-${i}`, { annotations: { [`${DRIVER}/attached-node`]: 'gone-node', [`${DRIVER}/attached-at`]: '2026-01-01T00:00:00Z' } });
    }
    putPv(cluster.api, 'vol-young', { accessModes: ['ReadWriteOnce'], volumeMode: 'Block', volumeAttributes: context });
    expect((await publishRwo(leader, 'vol-young', 'worker-young', context)).code).toBe(status.OK);
    const attachedBy = Date.now();

    await until(() => passes(leader).some((p) => p.cleared === STALE), 60_000);
    const slow = passes(leader).find((p) => p.cleared === STALE)!;
    const listedAt = Date.parse(slow.listedAt);
    expect(listedAt).toBeGreaterThanOrEqual(attachedBy - 50);
    expect(Date.now() - listedAt).toBeGreaterThan(GRACE_S * 1000);
    expect(cluster.holders('vol-young').nodes).toEqual(['worker-young']);
    for (let i = 0; i < STALE; i += 1) expect(cluster.holders(`vol-stale-${i}`)).toEqual({ nodes: [] });
    expect(follower.lines('attachment record corrected from the orchestrator')).toEqual([]);

    // Once it is older than the grace at a listing and still has no VolumeAttachment, it goes too.
    cluster.api.faults.slow('persistentvolumes', 'patch', 0);
    await until(() => cluster.holders('vol-young').nodes.length === 0, 30_000);
  }, 120_000);
});
