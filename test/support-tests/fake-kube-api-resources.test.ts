import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  StorageV1Api,
  Watch,
  type V1PersistentVolume,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeKubeApi } from '../support/fake-kube-api/fake-kube-api.js';
import { csiNode, node, pv, volumeAttachment } from '../support/fake-kube-api/objects.js';

const DRIVER = 'rds.csi.srvlab.io';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
let api: FakeKubeApi;
let kc: KubeConfig;

const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => 0,
    (e: unknown) => (e instanceof ApiException ? e.code : -1),
  );

beforeAll(async () => {
  api = await FakeKubeApi.start();
  kc = new KubeConfig();
  kc.loadFromOptions(api.kubeConfigOptions());
});
afterAll(() => api.stop());

interface Seen {
  type: string;
  name: string;
  object: Record<string, unknown>;
}

function startWatch(path: string, query: Record<string, string>) {
  const seen: Seen[] = [];
  let ended: unknown = 'open';
  const controller = new Watch(kc).watch(
    path,
    query,
    (type, obj: { metadata?: { name?: string } }) => seen.push({ type, name: obj.metadata?.name ?? '', object: obj as Record<string, unknown> }),
    (err) => {
      ended = err ?? null;
    },
  );
  return { seen, ended: () => ended, controller };
}

describe('FakeKubeApi watch with client-node Watch', () => {
  it('streams ADDED, MODIFIED and DELETED from the given resourceVersion', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const from = api.resourceVersion();
    const w = startWatch('/api/v1/persistentvolumes', { resourceVersion: from });
    await core.createPersistentVolume({ body: pv('w1', { driver: DRIVER, volumeHandle: 'v' }) as V1PersistentVolume });
    await core.patchPersistentVolume({ name: 'w1', body: { metadata: { labels: { x: 'y' } } } }, merge);
    await core.deletePersistentVolume({ name: 'w1' });
    await vi.waitFor(() => expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']));
    const rvs = w.seen.map((e) => Number((e.object.metadata as { resourceVersion: string }).resourceVersion));
    expect(rvs[0]).toBeGreaterThan(Number(from));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    (await w.controller).abort();
  });

  it('without a resourceVersion starts with ADDED for existing objects, and ends when the server closes it', async () => {
    api.put('nodes', node('n-watch'));
    const w = startWatch('/api/v1/nodes', {});
    await vi.waitFor(() => expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED n-watch']));
    await vi.waitFor(() => expect(api.activeWatchCount('nodes')).toBe(1));
    api.update('nodes', 'n-watch', (n) => {
      n.metadata.labels = { ...n.metadata.labels, zone: 'a' };
    });
    await vi.waitFor(() => expect(w.seen.at(-1)?.type).toBe('MODIFIED'));
    api.closeWatches();
    await vi.waitFor(() => expect(w.ended()).toBeNull());
    expect(api.activeWatchCount('nodes')).toBe(0);
  });

  it('turns label-selector transitions into ADDED and DELETED', async () => {
    api.put('persistentvolumes', pv('sel', { driver: DRIVER, volumeHandle: 'v' }));
    const w = startWatch('/api/v1/persistentvolumes', { resourceVersion: api.resourceVersion(), labelSelector: 'pick=me' });
    api.update('persistentvolumes', 'sel', (p) => void (p.metadata.labels = { pick: 'me' }));
    api.update('persistentvolumes', 'sel', (p) => void (p.metadata.annotations = { a: 'b' }));
    api.update('persistentvolumes', 'sel', (p) => void (p.metadata.labels = {}));
    await vi.waitFor(() => expect(w.seen.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']));
    (await w.controller).abort();
  });

  it('answers a resourceVersion older than the history with an ERROR event carrying a 410 Expired Status', async () => {
    const small = await FakeKubeApi.start({ watchHistory: 5 });
    try {
      for (let i = 0; i < 20; i++) small.put('nodes', node(`old-${i}`));
      const smallKc = new KubeConfig();
      smallKc.loadFromOptions(small.kubeConfigOptions());
      const seen: { type: string; object: unknown }[] = [];
      let ended: unknown = 'open';
      await new Watch(smallKc).watch('/api/v1/nodes', { resourceVersion: '1' }, (type, object) => seen.push({ type, object }), (err) => (ended = err));
      await vi.waitFor(() => expect(ended).toBeNull());
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    } finally {
      await small.stop();
    }
  });
});

describe('FakeKubeApi other resources with client-node', () => {
  it('Leases: create, read, replace; a stale resourceVersion is a 409 Conflict', async () => {
    const coord = kc.makeApiClient(CoordinationV1Api);
    const body = { metadata: { name: 'rds-csi-leader', namespace: 'kube-system' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } };
    const created = await coord.createNamespacedLease({ namespace: 'kube-system', body });
    const read = await coord.readNamespacedLease({ name: 'rds-csi-leader', namespace: 'kube-system' });
    expect(read.spec?.holderIdentity).toBe('a');
    read.spec!.holderIdentity = 'b';
    const replaced = await coord.replaceNamespacedLease({ name: 'rds-csi-leader', namespace: 'kube-system', body: read });
    expect(replaced.spec?.holderIdentity).toBe('b');
    created.spec!.holderIdentity = 'c';
    const err = await coord.replaceNamespacedLease({ name: 'rds-csi-leader', namespace: 'kube-system', body: created }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    const status = JSON.parse((err as ApiException<string>).body) as { reason: string; message: string };
    expect((err as ApiException<string>).code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toContain('leases.coordination.k8s.io "rds-csi-leader"');
    expect(api.get('leases', 'rds-csi-leader', 'kube-system')?.spec).toMatchObject({ holderIdentity: 'b' });
    expect(await codeOf(coord.readNamespacedLease({ name: 'rds-csi-leader', namespace: 'other' }))).toBe(404);
  });

  it('VolumeAttachments: the main resource keeps status, /status PUT and PATCH change only status', async () => {
    const storage = kc.makeApiClient(StorageV1Api);
    const va = volumeAttachment('csi-abc', { attacher: DRIVER, pvName: 'pv-1', nodeName: 'node-1' });
    const created = await storage.createVolumeAttachment({ body: va });
    expect(created.spec.source.persistentVolumeName).toBe('pv-1');
    created.status = { attached: true };
    created.spec.nodeName = 'node-2';
    const main = await storage.replaceVolumeAttachment({ name: 'csi-abc', body: created });
    expect(main.status?.attached).toBe(false);
    expect(main.spec.nodeName).toBe('node-2');

    main.status = { attached: true, attachmentMetadata: { nqn: 'nqn.x' } };
    main.spec.nodeName = 'ignored';
    const viaStatus = await storage.replaceVolumeAttachmentStatus({ name: 'csi-abc', body: main });
    expect(viaStatus.status).toEqual({ attached: true, attachmentMetadata: { nqn: 'nqn.x' } });
    expect(viaStatus.spec.nodeName).toBe('node-2');

    const patched = await storage.patchVolumeAttachmentStatus(
      { name: 'csi-abc', body: { status: { attached: false, detachError: { message: 'busy' } } } },
      merge,
    );
    expect(patched.status).toMatchObject({ attached: false, detachError: { message: 'busy' } });
    expect(api.requests().at(-1)).toMatchObject({ kind: 'volumeattachments', verb: 'patch', subresource: 'status' });
    const deleted = await storage.deleteVolumeAttachment({ name: 'csi-abc' });
    expect(deleted.metadata?.name).toBe('csi-abc');
  });

  it('VolumeAttachments list pages with limit and continue', async () => {
    for (let i = 0; i < 7; i++) api.put('volumeattachments', volumeAttachment(`va-${i}`, { attacher: DRIVER, pvName: `p${i}`, nodeName: 'n' }));
    const storage = kc.makeApiClient(StorageV1Api);
    const names: string[] = [];
    let _continue: string | undefined;
    do {
      const page = await storage.listVolumeAttachment({ limit: 3, ...(_continue ? { _continue } : {}) });
      names.push(...page.items.map((v) => v.metadata!.name!));
      _continue = page.metadata?._continue;
    } while (_continue);
    expect(names).toEqual(['va-0', 'va-1', 'va-2', 'va-3', 'va-4', 'va-5', 'va-6']);
  });

  it('Nodes and CSINodes: create, read, patch, list, delete (nodes answer a Success Status)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const storage = kc.makeApiClient(StorageV1Api);
    await core.createNode({ body: node('worker-1') });
    const patched = await core.patchNode({ name: 'worker-1', body: { metadata: { labels: { rds: 'yes' } } } }, merge);
    expect(patched.metadata?.labels).toMatchObject({ rds: 'yes', 'kubernetes.io/hostname': 'worker-1' });
    await storage.createCSINode({ body: csiNode('worker-1', DRIVER, 'nqn.node-1') });
    const csi = await storage.readCSINode({ name: 'worker-1' });
    expect(csi.spec.drivers[0]).toMatchObject({ name: DRIVER, nodeID: 'nqn.node-1' });
    expect((await storage.listCSINode()).items.map((c) => c.metadata?.name)).toContain('worker-1');
    const status = await core.deleteNode({ name: 'worker-1' });
    expect(status).toMatchObject({ status: 'Success', details: { name: 'worker-1', kind: 'nodes' } });
    expect(await codeOf(core.readNode({ name: 'worker-1' }))).toBe(404);
  });

  it('Events: core/v1 and events.k8s.io/v1 creates are recorded per namespace', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const events = kc.makeApiClient(EventsV1Api);
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'pvc-1.' },
        involvedObject: { kind: 'PersistentVolumeClaim', name: 'pvc-1', namespace: 'default' },
        reason: 'ProvisioningFailed',
        message: 'no space',
        type: 'Warning',
      },
    });
    await events.createNamespacedEvent({
      namespace: 'default',
      body: { metadata: { name: 'pv-1.abc' }, eventTime: new Date(), reason: 'Attached', note: 'ok', action: 'Attach', reportingController: DRIVER, reportingInstance: 'c-1', type: 'Normal' },
    });
    const recorded = api.list<{ reason: string; apiVersion: string; metadata: { name: string } }>('events', 'default');
    expect(recorded.map((e) => [e.apiVersion, e.reason])).toEqual(
      expect.arrayContaining([
        ['v1', 'ProvisioningFailed'],
        ['events.k8s.io/v1', 'Attached'],
      ]),
    );
    expect(recorded.find((e) => e.reason === 'ProvisioningFailed')?.metadata.name).toMatch(/^pvc-1\.[a-z0-9]{5}$/);
    expect((await core.listNamespacedEvent({ namespace: 'default' })).items).toHaveLength(2);
    expect((await core.listEventForAllNamespaces()).items).toHaveLength(2);
  });

  it('PersistentVolumeClaims: create, read and list in a namespace', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const body = { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    await core.createNamespacedPersistentVolumeClaim({ namespace: 'apps', body });
    const read = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace: 'apps' });
    expect(read.metadata?.namespace).toBe('apps');
    expect((await core.listNamespacedPersistentVolumeClaim({ namespace: 'apps' })).items).toHaveLength(1);
    expect((await core.listNamespacedPersistentVolumeClaim({ namespace: 'other' })).items).toHaveLength(0);
  });
});
