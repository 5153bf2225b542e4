import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClients } from '../../../src/adapters/kubernetes/kube-clients.js';
import { LeaseLeaderElection } from '../../../src/adapters/kubernetes/lease-leader-election.js';
import { ManualClock } from '../../../src/adapters/time/manual-clock.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { until } from '../../support/until.js';

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
  const leaseWrites = (verb: 'create' | 'update') => api.requests().filter((r) => r.kind === 'leases' && r.verb === verb).map((r) => r.status);
  /** Runs `step` once the API server has answered the Lease read of a tick, before the write that follows it. */
  const betweenReadAndWrite = async (step: () => void) => {
    const reads = () => api.requests().filter((r) => r.kind === 'leases' && r.verb === 'get' && r.status !== 0).length;
    const before = reads();
    for (let i = 0; i < 2_000 && reads() === before; i += 1) await new Promise((r) => setTimeout(r, 2));
    step();
  };

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

  it('two candidates ticking at the same instant with no Lease: neither throws, exactly one leads, the other follows', async () => {
    const a = candidate('ctl-a');
    const b = candidate('ctl-b');
    // Every request waits, so both reads find no Lease before either create lands.
    api.faults.latency(50);
    await Promise.all([a.tick(), b.tick()]);
    api.faults.latency(0);
    expect(leaseWrites('create').sort()).toEqual([201, 409]);
    const leader = a.isLeader() ? 'ctl-a' : 'ctl-b';
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(lease()?.holderIdentity).toBe(leader);
    for (let i = 0; i < 5; i += 1) {
      clock.advance(2_000);
      await Promise.all([a.tick(), b.tick()]);
      expect([a.isLeader() ? 'ctl-a' : undefined, b.isLeader() ? 'ctl-b' : undefined].filter(Boolean)).toEqual([leader]);
    }
    expect(lease()).toMatchObject({ holderIdentity: leader, leaseTransitions: 0 });
  });

  it('a leader whose renewal meets a 409 (another writer touched the Lease) keeps leading and renews next time', async () => {
    const a = candidate('ctl-a');
    const b = candidate('ctl-b');
    await a.tick();
    await b.tick();
    clock.advance(2_000);
    api.faults.latency(30);
    const renewal = a.tick();
    await betweenReadAndWrite(() =>
      api.update<{ metadata: { labels?: Record<string, string> } }>('leases', 'rds-csi-controller', (l) => void (l.metadata.labels = { touched: 'yes' }), 'rds-csi'),
    );
    await expect(renewal).resolves.toBeUndefined();
    api.faults.latency(0);
    expect(leaseWrites('update')).toEqual([409]);
    expect(a.isLeader()).toBe(true);
    clock.advance(2_000);
    await b.tick();
    expect(b.isLeader()).toBe(false);
    await a.tick();
    expect(leaseWrites('update')).toEqual([409, 200]);
    const renewed = api.get<{ spec: { renewTime: string } }>('leases', 'rds-csi-controller', 'rds-csi')?.spec.renewTime;
    expect(Date.parse(renewed!)).toBe(clock.now());
    expect(a.isLeader()).toBe(true);
    expect(lease()).toMatchObject({ holderIdentity: 'ctl-a', leaseTransitions: 0 });
  });

  it('renewals refused by 409s never reject; leadership lapses only after the lease duration, and returns on renewal', async () => {
    const a = candidate('ctl-a');
    await a.tick();
    api.faults.conflictNextWrites(8, 'leases');
    const leading: boolean[] = [];
    for (let i = 0; i < 8; i += 1) {
      clock.advance(2_000);
      await expect(a.tick()).resolves.toBeUndefined();
      leading.push(a.isLeader());
    }
    expect(leaseWrites('update')).toEqual(Array(8).fill(409));
    expect(leading).toEqual([true, true, true, true, true, true, true, false]);
    clock.advance(2_000);
    await a.tick();
    expect(a.isLeader()).toBe(true);
    expect(lease()).toMatchObject({ holderIdentity: 'ctl-a', leaseTransitions: 0 });
  });

  it('a candidate whose create loses with 409 AlreadyExists never throws, and follows', async () => {
    const b = candidate('ctl-b');
    api.faults.latency(30);
    const campaign = b.tick();
    await betweenReadAndWrite(() =>
      api.put('leases', {
        metadata: { name: 'rds-csi-controller', namespace: 'rds-csi' },
        spec: { holderIdentity: 'ctl-x', leaseDurationSeconds: 15, renewTime: new Date(clock.now()).toISOString(), leaseTransitions: 0 },
      }),
    );
    await expect(campaign).resolves.toBeUndefined();
    api.faults.latency(0);
    expect(leaseWrites('create')).toEqual([409]);
    expect(b.isLeader()).toBe(false);
    clock.advance(2_000);
    await b.tick();
    expect(b.isLeader()).toBe(false);
    expect(lease()?.holderIdentity).toBe('ctl-x');
    clock.advance(16_000);
    await b.tick();
    expect(b.isLeader()).toBe(true);
    expect(lease()).toMatchObject({ holderIdentity: 'ctl-b', leaseTransitions: 1 });
  });
});
