import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { annotationKeys } from '../../../src/adapters/kubernetes/attachment-annotations.js';
import type { KubernetesSettings } from '../../../src/adapters/kubernetes/kubernetes-settings.js';
import { InMemoryStorageBackend } from '../../../src/adapters/memory/in-memory-storage-backend.js';
import type { AttachmentState } from '../../../src/domain/attachment.js';
import {
  AttachmentNotRecordableError,
  BackendUnavailableError,
  ConcurrentModificationError,
  VolumeAttachedElsewhereError,
} from '../../../src/domain/errors.js';
import { NO_RECORD_VERSION } from '../../../src/ports/attachment-repository.js';
import type { AttachmentRepository, VersionedAttachment } from '../../../src/ports/attachment-repository.js';
import { controllerHarness, seed } from '../../support/controller-harness.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import type { KubeObject } from '../../support/fake-kube-api/kube-object.js';
import { pv } from '../../support/fake-kube-api/objects.js';
import { DRIVER, kubeStore, putPv } from '../../support/kube-store-harness.js';
import { node, publishCommand, vol } from '../../support/mothers.js';
import { until } from '../../support/until.js';

const KEYS = annotationKeys(DRIVER);
const T0 = Date.UTC(2026, 1, 1);
const grant = (volumeId: string, nodeId: string): AttachmentState => ({
  volumeId: vol(volumeId),
  nodes: [{ nodeId: node(nodeId), attachedAt: T0, readonly: false, accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem' }],
});
const cleared = (volumeId: string): AttachmentState => ({ volumeId: vol(volumeId), nodes: [] });
const goDriver = (nodeId: string) => ({ [KEYS.node]: nodeId, [KEYS.at]: '2026-02-05T10:11:12.123456Z' });
const ids = (count: number) => Array.from({ length: count }, (_, i) => `pvc-${i}`);

describe('PvAttachmentSource: attachment records in PersistentVolume annotations', () => {
  let api: FakeKubeApi;
  const opened: AttachmentRepository[] = [];
  const annotations = (name: string) => api.get<KubeObject>('persistentvolumes', name)?.metadata.annotations ?? {};
  const pvCalls = () => api.requests().filter((r) => r.kind === 'persistentvolumes' && r.verb !== 'watch');
  const replica = (overrides: Partial<KubernetesSettings> = {}) => {
    const k = kubeStore(api, overrides);
    opened.push(k.repository);
    return k;
  };
  /** Loads a replica and waits for its PV watch, so later request counts and faults concern writes only. */
  const synced = async (overrides: Partial<KubernetesSettings> = {}) => {
    const k = replica(overrides);
    const watching = api.activeWatchCount('persistentvolumes');
    await k.repository.sync();
    await until(() => api.activeWatchCount('persistentvolumes') > watching);
    return k;
  };
  const harnessed = async (options: { backend?: InMemoryStorageBackend } = {}) => {
    const k = await synced();
    return { k, h: await controllerHarness({ repository: k.repository, orchestrator: k.orchestrator, ...options }) };
  };

  beforeEach(async () => {
    api = await FakeKubeApi.start();
  });
  afterEach(async () => {
    for (const r of opened.splice(0)) r.close();
    await api.stop();
  });

  it('writes the Go driver keys plus the JSON, and on detach clears exactly them, leaving other annotations', async () => {
    putPv(api, 'pvc-1', { annotations: { 'team/owner': 'db' }, accessModes: ['ReadWriteMany'], volumeMode: 'Block' });
    const { h } = await harnessed();
    await seed(h, ['pvc-1'], ['worker-1', 'worker-2']);
    const first = new Date(h.clock.now()).toISOString();
    await h.publish.execute(publishCommand('pvc-1', 'worker-1', { migration: true, window: 120 }));
    const holder = { node: 'worker-1', attachedAt: first, accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block', readonly: false };
    expect(annotations('pvc-1')).toEqual({
      'pv.kubernetes.io/provisioned-by': DRIVER,
      'team/owner': 'db',
      [KEYS.node]: 'worker-1',
      [KEYS.at]: first.replace(/Z$/, '000Z'),
      [KEYS.all]: JSON.stringify({ nodes: [holder] }),
    });
    h.clock.advance(5_000);
    const second = new Date(h.clock.now()).toISOString();
    await h.publish.execute(publishCommand('pvc-1', 'worker-2', { migration: true, window: 120 }));
    expect(annotations('pvc-1')[KEYS.node]).toBe('worker-1');
    expect(JSON.parse(annotations('pvc-1')[KEYS.all]!)).toEqual({
      nodes: [holder, { ...holder, node: 'worker-2', attachedAt: second }],
      dualAttachSince: second,
      migrationTimeoutSeconds: 120,
    });
    await h.unpublish.execute({ volumeId: 'pvc-1', nodeId: node('worker-1') });
    expect(annotations('pvc-1')[KEYS.node]).toBe('worker-2');
    expect(JSON.parse(annotations('pvc-1')[KEYS.all]!)).toEqual({ nodes: [{ ...holder, node: 'worker-2', attachedAt: second }] });
    await h.unpublish.execute({ volumeId: 'pvc-1', nodeId: node('worker-2') });
    expect(annotations('pvc-1')).toEqual({ 'pv.kubernetes.io/provisioned-by': DRIVER, 'team/owner': 'db' });
  });

  it('saves an indexed volume uncontended with exactly one request: a JSON patch', async () => {
    putPv(api, 'pvc-1');
    const { h } = await harnessed();
    await seed(h, ['pvc-1'], ['worker-1']);
    api.resetCounters();
    await h.publish.execute(publishCommand('pvc-1', 'worker-1'));
    expect(api.requests().map((r) => `${r.method} ${r.status} ${r.contentType}`)).toEqual(['PATCH 200 application/json-patch+json']);
  });

  it('loads Go driver annotations as inferred holders, ignores other drivers, pages, and restarts an expired list', async () => {
    putPv(api, 'pvc-a', { annotations: goDriver('node-1') });
    putPv(api, 'pvc-b', { annotations: goDriver('node-2'), accessModes: ['ReadWriteMany'], volumeMode: 'Block' });
    putPv(api, 'pvc-c');
    putPv(api, 'pvc-d', { annotations: goDriver('node-1') });
    api.put('persistentvolumes', pv('foreign', { driver: 'other.csi.example.com', volumeHandle: 'pvc-x', annotations: goDriver('node-9') }));
    api.faults.goneOnContinue(1);
    const k = await synced({ listPageSize: 2, informer: { retryBaseMs: 20, retryMaxMs: 200 } });
    const at = Date.parse('2026-02-05T10:11:12.123Z');
    const inferred = (nodeId: string, accessMode: string, volumeMode: string) => [{ nodeId, attachedAt: at, readonly: false, accessMode, volumeMode, inferred: true }];
    expect(k.repository.list().map((r) => r.state).sort((a, b) => a.volumeId.localeCompare(b.volumeId))).toEqual([
      { volumeId: 'pvc-a', nodes: inferred('node-1', 'SINGLE_NODE_MULTI_WRITER', 'filesystem') },
      { volumeId: 'pvc-b', nodes: inferred('node-2', 'MULTI_NODE_MULTI_WRITER', 'block') },
      { volumeId: 'pvc-d', nodes: inferred('node-1', 'SINGLE_NODE_MULTI_WRITER', 'filesystem') },
    ]);
    expect([k.repository.volumesOnNode(node('node-1')), k.repository.volumesOnNode(node('node-9'))]).toEqual([2, 0]);
    expect((await k.repository.load(vol('pvc-x'), { fresh: true })).state.nodes).toEqual([]);
    const listed = api.requests().filter((r) => r.kind === 'persistentvolumes' && r.verb === 'list');
    const query = (i: number) => new URLSearchParams(listed[i]!.query);
    expect(listed.map((r) => r.status)).toEqual([200, 410, 200, 200, 200]);
    expect(listed.map((_, i) => query(i).has('continue'))).toEqual([false, true, false, true, true]);
    expect(listed.every((_, i) => query(i).get('limit') === '2')).toBe(true);
  });

  it('finds a PV created after the start, by watch, and one whose name is not the volume ID', async () => {
    const { k, h } = await harnessed();
    await seed(h, ['pvc-now', 'pvc-late', 'csi-0042'], ['a', 'b', 'c']);
    putPv(api, 'pvc-now');
    await h.publish.execute(publishCommand('pvc-now', 'a'));
    expect(annotations('pvc-now')[KEYS.node]).toBe('a');
    putPv(api, 'pvc-late');
    putPv(api, 'csi-0042', { name: 'pv-imported' });
    await until(() => k.index.get('pvc-late') !== undefined && k.index.get('csi-0042') !== undefined);
    api.resetCounters();
    await h.publish.execute(publishCommand('pvc-late', 'b'));
    await h.publish.execute(publishCommand('csi-0042', 'c'));
    expect(api.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /api/v1/persistentvolumes/pvc-late',
      'PATCH /api/v1/persistentvolumes/pv-imported',
    ]);
    expect(annotations('pv-imported')[KEYS.node]).toBe('c');
    expect(api.get('persistentvolumes', 'csi-0042')).toBeUndefined();
  });

  it('refuses a grant for a volume without a PV of this driver, naming handle and driver; clearing one succeeds', async () => {
    api.put('persistentvolumes', pv('foreign', { driver: 'other.csi.example.com', volumeHandle: 'foreign-vol' }));
    const { k, h } = await harnessed();
    for (const volumeId of ['no-pv-vol', 'foreign-vol']) {
      const refused = k.repository.save(vol(volumeId), grant(volumeId, 'a'), NO_RECORD_VERSION);
      await expect(refused).rejects.toBeInstanceOf(AttachmentNotRecordableError);
      await expect(refused).rejects.toThrow(`no PersistentVolume of driver ${DRIVER} has volumeHandle ${volumeId}`);
      expect(k.repository.volumesOnNode(node('a'))).toBe(0);
      expect(await k.repository.save(vol(volumeId), cleared(volumeId), NO_RECORD_VERSION)).toEqual({ state: cleared(volumeId), version: NO_RECORD_VERSION });
    }
    await seed(h, ['no-pv-vol'], ['a']);
    await expect(h.publish.execute(publishCommand('no-pv-vol', 'a'))).rejects.toBeInstanceOf(AttachmentNotRecordableError);
    expect(await h.unpublish.execute({ volumeId: 'no-pv-vol', nodeId: node('a') })).toEqual({ detached: [] });
    expect(api.get<KubeObject>('persistentvolumes', 'foreign')?.metadata.annotations).toEqual({ 'pv.kubernetes.io/provisioned-by': 'other.csi.example.com' });
  });

  it('rides out fewer 409s than conflictRetries; more end in ConcurrentModificationError with nothing written', async () => {
    putPv(api, 'pvc-1');
    const k = await synced({ conflictRetries: 4 });
    const patches = () => pvCalls().filter((r) => r.method === 'PATCH').map((r) => r.status);
    api.resetCounters();
    api.faults.conflictNextWrites(3, 'persistentvolumes');
    const saved = await k.repository.save(vol('pvc-1'), grant('pvc-1', 'a'), NO_RECORD_VERSION);
    expect(patches()).toEqual([409, 409, 409, 200]);
    expect(annotations('pvc-1')[KEYS.node]).toBe('a');
    api.resetCounters();
    api.faults.conflictNextWrites(6, 'persistentvolumes');
    await expect(k.repository.save(vol('pvc-1'), grant('pvc-1', 'b'), saved.version)).rejects.toBeInstanceOf(ConcurrentModificationError);
    api.faults.reset();
    expect(patches()).toEqual([409, 409, 409, 409]);
    expect(annotations('pvc-1')[KEYS.node]).toBe('a');
    expect(await k.repository.load(vol('pvc-1'), { fresh: true })).toEqual(saved);
    expect(k.repository.volumesOnNode(node('b'))).toBe(0);
  });

  it('converges while another writer keeps changing labels and status: 20 concurrent writes land without a conflict', async () => {
    const volumes = ids(20);
    for (const id of volumes) putPv(api, id);
    const { h } = await harnessed();
    await seed(h, volumes, volumes.map((_, i) => `n-${i}`));
    api.resetCounters();
    let running = true;
    const churn = (async () => {
      for (let round = 0; running; round += 1) {
        for (const id of volumes) {
          api.update<KubeObject>('persistentvolumes', id, (draft) => {
            draft.metadata.labels = { ...draft.metadata.labels, churn: String(round) };
            draft.status = { phase: round % 2 === 0 ? 'Bound' : 'Released', message: `round ${round}` };
          });
        }
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    try {
      await Promise.all(volumes.map((id, i) => h.publish.execute(publishCommand(id, `n-${i}`))));
    } finally {
      running = false;
      await churn;
    }
    volumes.forEach((id, i) => expect(annotations(id)[KEYS.node]).toBe(`n-${i}`));
    expect(pvCalls().map((r) => `${r.method} ${r.status}`)).toEqual(volumes.map(() => 'PATCH 200'));
  });

  it('retries when another writer changed a different annotation, refuses when it changed ours, then shows theirs', async () => {
    putPv(api, 'pvc-1');
    const { k, h } = await harnessed();
    await seed(h, ['pvc-1'], ['a', 'b']);
    api.resetCounters();
    api.update<KubeObject>('persistentvolumes', 'pvc-1', (d) => void (d.metadata.annotations = { ...d.metadata.annotations, 'team/owner': 'web' }));
    const saved = await k.repository.save(vol('pvc-1'), grant('pvc-1', 'a'), NO_RECORD_VERSION);
    expect(pvCalls().map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 422', 'GET 200', 'PATCH 200']);
    expect(annotations('pvc-1')).toMatchObject({ 'team/owner': 'web', [KEYS.node]: 'a' });

    api.update<KubeObject>('persistentvolumes', 'pvc-1', (d) => {
      const { [KEYS.all]: _json, ...rest } = d.metadata.annotations ?? {};
      d.metadata.annotations = { ...rest, [KEYS.node]: 'intruder', [KEYS.at]: '2026-03-01T00:00:00Z' };
    });
    await expect(k.repository.save(vol('pvc-1'), grant('pvc-1', 'b'), saved.version)).rejects.toBeInstanceOf(ConcurrentModificationError);
    const theirs = [{ nodeId: 'intruder', attachedAt: Date.parse('2026-03-01T00:00:00Z'), readonly: false, accessMode: 'SINGLE_NODE_MULTI_WRITER', volumeMode: 'filesystem', inferred: true }];
    expect((await k.repository.load(vol('pvc-1'))).state.nodes).toEqual(theirs);
    expect((await k.repository.load(vol('pvc-1'), { fresh: true })).state.nodes).toEqual(theirs);
    expect(annotations('pvc-1')[KEYS.node]).toBe('intruder');
    await expect(h.publish.execute(publishCommand('pvc-1', 'b'))).rejects.toThrow(VolumeAttachedElsewhereError);
    await expect(h.publish.execute(publishCommand('pvc-1', 'b'))).rejects.toThrow(/attached to node intruder/);
  });

  it('never grants one free volume to two replicas racing for it (double-grant regression)', async () => {
    putPv(api, 'pvc-race');
    const v = vol('pvc-race');
    const replicas = [await synced(), await synced()].map((k) => k.repository);
    for (let round = 0; round < 30; round += 1) {
      await until(async () => (await Promise.all(replicas.map((r) => r.load(v)))).every((r) => r.version === NO_RECORD_VERSION));
      const nodes = [`node-a-${round}`, `node-b-${round}`];
      const conflicts = 1 + (round % 2);
      api.resetCounters();
      api.faults.conflictNextWrites(conflicts, 'persistentvolumes');
      const results = await Promise.allSettled(replicas.map((r, i) => r.save(v, grant('pvc-race', nodes[i]!), NO_RECORD_VERSION)));
      api.faults.reset();
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(winners, `round ${round}`).toHaveLength(1);
      const [winner] = winners as [number];
      const loser = 1 - winner;
      expect((results[loser] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentModificationError);
      expect(api.requestCount({ method: 'PATCH', status: 409 })).toBe(conflicts);
      const stored = annotations('pvc-race');
      expect(stored[KEYS.node]).toBe(nodes[winner]);
      expect(JSON.parse(stored[KEYS.all]!).nodes.map((n: { node: string }) => n.node)).toEqual([nodes[winner]]);
      expect(replicas[loser]!.volumesOnNode(node(nodes[loser]!))).toBe(0);
      const won = (results[winner] as PromiseFulfilledResult<VersionedAttachment>).value;
      await replicas[winner]!.save(v, cleared('pvc-race'), won.version);
    }
  });

  it('reports a failed write (500) as BackendUnavailableError; nothing is recorded or counted', async () => {
    putPv(api, 'pvc-1');
    const k = await synced();
    api.faults.failNext(1, 500, 'persistentvolumes');
    const saving = k.repository.save(vol('pvc-1'), grant('pvc-1', 'a'), NO_RECORD_VERSION);
    expect(k.repository.volumesOnNode(node('a'))).toBe(1);
    await expect(saving).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(k.repository.volumesOnNode(node('a'))).toBe(0);
    expect(k.repository.list()).toEqual([]);
    expect(annotations('pvc-1')[KEYS.node]).toBeUndefined();
    expect(await k.repository.load(vol('pvc-1'), { fresh: true })).toEqual({ state: cleared('pvc-1'), version: NO_RECORD_VERSION });
  });

  it('forgets a volume whose PV was deleted while the cache still had it, on a fresh load', async () => {
    putPv(api, 'csi-77', { name: 'pv-77' });
    const k = await synced();
    await k.repository.save(vol('csi-77'), grant('csi-77', 'a'), NO_RECORD_VERSION);
    api.delete('persistentvolumes', 'pv-77');
    const cached = k.repository.load(vol('csi-77'));
    expect((await cached).state).toEqual(grant('csi-77', 'a'));
    expect(await k.repository.load(vol('csi-77'), { fresh: true })).toEqual({ state: cleared('csi-77'), version: NO_RECORD_VERSION });
    expect(k.repository.list()).toEqual([]);
    expect(k.repository.volumesOnNode(node('a'))).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect((await k.repository.load(vol('csi-77'))).state.nodes).toEqual([]);
    await expect(k.repository.save(vol('csi-77'), grant('csi-77', 'a'), NO_RECORD_VERSION)).rejects.toBeInstanceOf(AttachmentNotRecordableError);
  });

  it('persists 1,000 volumes attached concurrently to different nodes through the publish use case', async () => {
    const volumes = ids(1_000);
    for (const id of volumes) putPv(api, id);
    const { k, h } = await harnessed({ backend: new InMemoryStorageBackend() });
    await seed(h, volumes, volumes.map((_, i) => `n-${i}`));
    await Promise.all(volumes.map((id, i) => h.publish.execute(publishCommand(id, `n-${i}`))));
    const stored = new Map(api.list<KubeObject>('persistentvolumes').map((p) => [p.metadata.name!, p.metadata.annotations?.[KEYS.node]]));
    volumes.forEach((id, i) => expect(stored.get(id)).toBe(`n-${i}`));
    expect(k.repository.list()).toHaveLength(1_000);
    const late = await synced();
    expect(late.repository.list()).toHaveLength(1_000);
    expect(late.repository.volumesOnNode(node('n-999'))).toBe(1);
  });
});
