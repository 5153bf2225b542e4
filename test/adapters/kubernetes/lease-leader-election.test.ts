import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClients } from '../../../src/adapters/kubernetes/kube-clients.js';
import { LeaseLeaderElection } from '../../../src/adapters/kubernetes/lease-leader-election.js';
import { ManualClock } from '../../../src/adapters/time/manual-clock.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import { RecordingLogger } from '../../support/recording-logger.js';

describe('LeaseLeaderElection on a coordination.k8s.io Lease', () => {
  let api: FakeKubeApi;
  let clock: ManualClock;
  const candidate = (identity: string) =>
    new LeaseLeaderElection(
      KubeClients.fromOptions(api.kubeConfigOptions()),
      { namespace: 'rds-csi', name: 'rds-csi-controller', identity, leaseDurationMs: 15_000, retryPeriodMs: 2_000 },
      clock,
      new RecordingLogger(),
    );
  const lease = () => api.get<{ spec: { holderIdentity: string; leaseTransitions: number } }>('leases', 'rds-csi-controller', 'rds-csi')?.spec;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    clock = new ManualClock(Date.parse('2026-11-21T10:00:00Z'));
  });
  afterEach(async () => api.stop());

  it('one candidate wins, the other follows while the leader keeps renewing', async () => {
    const a = candidate('ctl-a');
    const b = candidate('ctl-b');
    await a.tick();
    await b.tick();
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    for (let i = 0; i < 20; i += 1) {
      clock.advance(2_000);
      await a.tick();
      await b.tick();
    }
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect(lease()).toMatchObject({ holderIdentity: 'ctl-a', leaseTransitions: 0 });
  });

  it('takes over only after the record stayed unchanged for a lease duration; the old leader steps down', async () => {
    const a = candidate('ctl-a');
    const b = candidate('ctl-b');
    await a.tick();
    await b.tick();
    clock.advance(14_000);
    await b.tick();
    expect(b.isLeader()).toBe(false);
    expect(a.isLeader()).toBe(true);
    clock.advance(2_000);
    expect(a.isLeader()).toBe(false);
    await b.tick();
    expect(b.isLeader()).toBe(true);
    expect(lease()).toMatchObject({ holderIdentity: 'ctl-b', leaseTransitions: 1 });
    await a.tick();
    expect(a.isLeader()).toBe(false);
  });

  it('never lets two candidates win a contested takeover', async () => {
    const a = candidate('ctl-a');
    await a.tick();
    await a.stop();
    const b = candidate('ctl-b');
    const c = candidate('ctl-c');
    await Promise.all([b.tick(), c.tick()]);
    expect([b.isLeader(), c.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(lease()?.holderIdentity).toBe(b.isLeader() ? 'ctl-b' : 'ctl-c');
  });

  it('loses leadership when renewals keep failing, and releases the lease on stop', async () => {
    const a = candidate('ctl-a');
    await a.tick();
    api.faults.failNext(20, 500);
    for (let i = 0; i < 8; i += 1) {
      clock.advance(2_000);
      await a.tick();
    }
    expect(a.isLeader()).toBe(false);
    api.faults.reset();
    await a.tick();
    expect(a.isLeader()).toBe(true);
    await a.stop();
    const b = candidate('ctl-b');
    await b.tick();
    expect(b.isLeader()).toBe(true);
  });
});
