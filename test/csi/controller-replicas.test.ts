import { status } from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteVolume, publishRwo, seeded, unpublish } from '../support/attacher.js';
import { BUILT_MAIN } from '../support/built-driver.js';
import { BASE_PATH, ControllerCluster, LEASE_NAME, LEASE_NAMESPACE } from '../support/controller-processes.js';
import type { ControllerProcess } from '../support/controller-processes.js';
import type { KubeObject } from '../support/fake-kube-api/kube-object.js';
import { until } from '../support/until.js';

const LEASE_S = 4;
const RETRY_S = 1;
const NODES = Array.from({ length: 200 }, (_, i) => `worker-${String(i).padStart(3, '0')}`);

/**
 * Two `rds-csi serve --mode controller` processes, as the deployment runs them, against one API
 * server and one RDS. Whichever replica a sidecar talks to, a single-node volume is granted to one
 * node only, and what one replica did binds the other at once.
 */
describe('two controller replicas (real processes)', () => {
  let cluster: ControllerCluster;
  let a: ControllerProcess;
  let b: ControllerProcess;
  const other = (r: ControllerProcess) => (r === a ? b : a);

  beforeAll(async () => {
    cluster = await ControllerCluster.start({
      main: BUILT_MAIN,
      flags: ['--reconcile-interval', '5', '--leader-election-lease-duration', String(LEASE_S), '--leader-election-retry-period', String(RETRY_S)],
    });
    cluster.registerNodes(NODES);
    // Both replicas read the missing Lease before either creates it: the creates collide.
    cluster.api.faults.barrier('leases', 'get', 2);
    a = cluster.spawn('ctl-a');
    b = cluster.spawn('ctl-b');
    await Promise.all([a.ready(), b.ready()]);
  }, 60_000);
  afterAll(async () => cluster?.stop());

  it('both started at once with no Lease: both stay up and exactly one leads', async () => {
    const creates = () => cluster.api.requests().filter((r) => r.kind === 'leases' && r.verb === 'create' && r.status > 0);
    await until(() => creates().length === 2);
    expect(creates().map((r) => r.status).sort()).toEqual([201, 409]);
    await new Promise((r) => setTimeout(r, 2 * RETRY_S * 1000));
    const leader = cluster.leader();
    const follower = leader === 'ctl-a' ? b : a;
    expect([a.exit, b.exit]).toEqual([undefined, undefined]);
    expect(follower.lines('became leader')).toEqual([]);
  });

  it('a Lease renewed under a concurrent writer: the leader keeps it and nobody crashes', async () => {
    const leader = cluster.leader();
    cluster.api.faults.conflictNextWrites(2, 'leases');
    const deadline = Date.now() + 3 * LEASE_S * 1000;
    for (let n = 0; Date.now() < deadline; n += 1) {
      cluster.api.update<KubeObject>('leases', LEASE_NAME, (lease) => void ((lease.metadata!.labels ??= {}).touched = String(n)), LEASE_NAMESPACE);
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(cluster.leader()).toBe(leader);
    expect([a.exit, b.exit]).toEqual([undefined, undefined]);
    expect(cluster.api.requests().some((r) => r.kind === 'leases' && r.verb === 'update' && r.status === 409)).toBe(true);
  });

  it('200 concurrent publishes of one RWO volume from 200 nodes across both replicas, 20 rounds with 409s and PV churn: one winner, named in every refusal', async () => {
    const volume = 'vol-storm';
    const context = await cluster.provision(a, volume, { rwo: true });
    const seed = Date.now() % 100_000;
    const random = seeded(seed);
    for (let round = 0; round < 20; round += 1) {
      cluster.api.faults.conflictNextWrites(Math.floor(random() * 40), 'persistentvolumes');
      let churning = true;
      const churn = (async () => {
        for (let n = 0; churning; n += 1) {
          cluster.api.update<KubeObject & { status?: Record<string, unknown> }>('persistentvolumes', volume, (pv) => {
            (pv.metadata!.labels ??= {}).churn = `${round}-${n}`;
            pv.status = { ...pv.status, message: `churn ${n}` };
          });
          await new Promise((r) => setTimeout(r, 2 + random() * 4));
        }
      })();
      const calls = NODES.map(async (nodeId) => {
        const via = random() < 0.5 ? a : b;
        await new Promise((r) => setTimeout(r, random() * 30));
        return { nodeId, answer: await publishRwo(via, volume, nodeId, context) };
      });
      const results = await Promise.all(calls);
      churning = false;
      await churn;
      const ok = results.filter((r) => r.answer.code === status.OK);
      expect(ok, `seed ${seed} round ${round}`).toHaveLength(1);
      const winner = ok[0]!.nodeId;
      for (const r of results) {
        if (r.nodeId === winner) continue;
        expect(r.answer.code, `seed ${seed} round ${round}: ${r.answer.message}`).toBe(status.FAILED_PRECONDITION);
        expect(r.answer.message).toContain(`attached to node ${winner}`);
      }
      expect(cluster.holders(volume)).toEqual({ attachedNode: winner, nodes: [winner] });
      expect((await unpublish(random() < 0.5 ? a : b, volume, winner)).code).toBe(status.OK);
      expect(cluster.holders(volume)).toEqual({ nodes: [] });
    }
  }, 240_000);

  describe('with a watch that lags 3 s behind the API server', () => {
    beforeAll(() => cluster.api.faults.delayWatchEvents(3_000));
    afterAll(() => cluster.api.faults.delayWatchEvents(0));

    it('attach node-a through A, detach through B, attach node-b through A: granted within 2 s', async () => {
      const context = await cluster.provision(a, 'vol-handover', { rwo: true });
      expect((await publishRwo(a, 'vol-handover', 'worker-001', context)).code).toBe(status.OK);
      expect((await unpublish(b, 'vol-handover', 'worker-001')).code).toBe(status.OK);
      const released = Date.now();
      let answer = await publishRwo(a, 'vol-handover', 'worker-002', context);
      while (answer.code !== status.OK && Date.now() - released < 2_000) answer = await publishRwo(a, 'vol-handover', 'worker-002', context);
      expect(answer.code).toBe(status.OK);
      expect(Date.now() - released).toBeLessThan(2_000);
      expect(cluster.holders('vol-handover')).toEqual({ attachedNode: 'worker-002', nodes: ['worker-002'] });
    });

    it('ControllerUnpublish through the replica that has not seen the attach clears the PV', async () => {
      const context = await cluster.provision(a, 'vol-unseen', { rwo: true });
      expect((await publishRwo(a, 'vol-unseen', 'worker-003', context)).code).toBe(status.OK);
      expect(cluster.holders('vol-unseen').nodes).toEqual(['worker-003']);
      expect((await unpublish(b, 'vol-unseen', 'worker-003')).code).toBe(status.OK);
      expect(cluster.holders('vol-unseen')).toEqual({ nodes: [] });
    });

    it('DeleteVolume through the other replica refuses a held volume, naming the holder; volume and file stay', async () => {
      const context = await cluster.provision(a, 'vol-held', { rwo: true });
      expect((await publishRwo(a, 'vol-held', 'worker-004', context)).code).toBe(status.OK);
      const refused = await deleteVolume(b, 'vol-held');
      expect(refused.code).toBe(status.FAILED_PRECONDITION);
      expect(refused.message).toContain('worker-004');
      expect(existsSync(join(cluster.sim.dataDir, 'files', BASE_PATH, 'vol-held.img'))).toBe(true);
      expect((await publishRwo(b, 'vol-held', 'worker-005', context)).message).toContain('attached to node worker-004');
    });
  });

  it('attach through the leader, kill -9 it: the other refuses node-b naming node-a, accepts node-a again, and takes over the Lease', async () => {
    const leaderName = cluster.leader();
    const leader = leaderName === 'ctl-a' ? a : b;
    const survivor = other(leader);
    const context = await cluster.provision(leader, 'vol-crash', { rwo: true });
    expect((await publishRwo(leader, 'vol-crash', 'worker-010', context)).code).toBe(status.OK);
    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    const refused = await publishRwo(survivor, 'vol-crash', 'worker-011', context);
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(refused.message).toContain('attached to node worker-010');
    expect((await publishRwo(survivor, 'vol-crash', 'worker-010', context)).code).toBe(status.OK);
    await until(() => cluster.leader() === survivor.name, 2 * LEASE_S * 1000);
    // client-go semantics: the Lease must look unchanged for a lease duration to the survivor.
    expect(Date.now() - killedAt).toBeLessThan((LEASE_S + 2 * RETRY_S) * 1000 + 500);
    expect(survivor.exit).toBeUndefined();
  }, 60_000);
});
