import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import type { KubeObject } from '../../support/fake-kube-api/kube-object.js';
import { pv } from '../../support/fake-kube-api/objects.js';
import { attachmentHarness } from '../../support/attachment-harness.js';
import { DRIVER, kubeStore, putAttachedVa, putPv } from '../../support/kube-store-harness.js';
import { node, vol } from '../../support/mothers.js';

const goAnnotations = (nodeId: string) => ({
  [`${DRIVER}/attached-node`]: nodeId,
  [`${DRIVER}/attached-at`]: '2026-02-05T10:11:12.123456Z',
});
const annotations = (api: FakeKubeApi, name: string) => api.get<KubeObject>('persistentvolumes', name)?.metadata?.annotations ?? {};

describe('rebuilding attachments from PersistentVolumes and VolumeAttachments', () => {
  let api: FakeKubeApi;
  const stores: { close(): void }[] = [];
  const instance = () => {
    const k = kubeStore(api, { listPageSize: 2 });
    stores.push(k.store);
    return { k, h: attachmentHarness(k.store, { orchestrator: k.source }) };
  };

  beforeEach(async () => {
    api = await FakeKubeApi.start();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) s.close();
    await api.stop();
  });

  it('rebuilds from 3 PVs of which 2 are attached, ignoring other drivers, page by page', async () => {
    putPv(api, 'pvc-a', { annotations: goAnnotations('node-1') });
    putPv(api, 'pvc-b', { annotations: goAnnotations('node-2'), accessModes: ['ReadWriteMany'], volumeMode: 'Block' });
    putPv(api, 'pvc-c');
    api.put('persistentvolumes', pv('foreign', { driver: 'other.csi.example.com', volumeHandle: 'pvc-x', annotations: goAnnotations('node-9') }));
    putAttachedVa(api, 'pvc-a', 'node-1');
    putAttachedVa(api, 'pvc-b', 'node-2');
    const { h } = instance();
    expect(await h.rebuild.execute()).toEqual({ recovered: 2, cleared: 0, adopted: 0, reconciled: true });
    expect(h.query.list().map((s) => [s.volumeId, s.nodes[0]?.nodeId, s.nodes[0]?.accessMode])).toEqual([
      ['pvc-a', 'node-1', 'SINGLE_NODE_MULTI_WRITER'],
      ['pvc-b', 'node-2', 'MULTI_NODE_MULTI_WRITER'],
    ]);
    expect(h.query.get(vol('pvc-a'))?.nodes[0]?.attachedAt).toBe(Date.parse('2026-02-05T10:11:12.123Z'));
    expect(h.query.get(vol('pvc-x'))).toBeUndefined();
    expect(api.requests().filter((r) => r.method === 'GET' && r.path.includes('persistentvolumes')).length).toBeGreaterThanOrEqual(3);
  });

  it('clears a stale annotation and adopts an attached VolumeAttachment that has none, logging one summary', async () => {
    putPv(api, 'pvc-stale', { annotations: goAnnotations('gone-node') });
    putPv(api, 'pvc-adopt');
    putPv(api, 'pvc-detached-va');
    putAttachedVa(api, 'pvc-adopt', 'node-7');
    putAttachedVa(api, 'pvc-detached-va', 'node-8', false);
    const { h } = instance();
    expect(await h.rebuild.execute()).toEqual({ recovered: 1, cleared: 1, adopted: 1, reconciled: true });
    expect(annotations(api, 'pvc-stale')[`${DRIVER}/attached-node`]).toBeUndefined();
    expect(annotations(api, 'pvc-adopt')[`${DRIVER}/attached-node`]).toBe('node-7');
    expect(h.query.nodesOf(vol('pvc-detached-va'))).toEqual([]);
    const summaries = h.logger.lines.filter((l) => l.message === 'attachment state rebuilt');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.fields).toMatchObject({ recovered: 1, cleared: 1, adopted: 1 });
    // A good attach that the stale annotation would have refused now succeeds.
    const attach = { volumeId: vol('pvc-stale'), nodeId: node('node-1'), accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem', readonly: false } as const;
    expect((await h.attach.execute(attach)).outcome).toBe('attached');
    // The adopted attachment takes the mode of the first real request from its node.
    const again = { volumeId: vol('pvc-adopt'), nodeId: node('node-7'), accessMode: 'SINGLE_NODE_SINGLE_WRITER', volumeMode: 'filesystem', readonly: true } as const;
    expect((await h.attach.execute(again)).outcome).toBe('already-attached');
    expect(h.query.get(vol('pvc-adopt'))?.nodes[0]).toMatchObject({ accessMode: 'SINGLE_NODE_SINGLE_WRITER', readonly: true });
    expect(h.query.get(vol('pvc-adopt'))?.nodes[0]?.inferred).toBeUndefined();
  });

  it('restarts the list when a continue token expires (410 Gone)', async () => {
    for (let i = 0; i < 7; i += 1) putPv(api, `pvc-${i}`, { annotations: goAnnotations(`n-${i}`) });
    for (let i = 0; i < 7; i += 1) putAttachedVa(api, `pvc-${i}`, `n-${i}`);
    api.faults.goneOnContinue(1);
    const { h } = instance();
    expect((await h.rebuild.execute()).recovered).toBe(7);
    expect(h.query.list()).toHaveLength(7);
  });

  it('keeps annotations unreconciled when RBAC forbids listing VolumeAttachments', async () => {
    putPv(api, 'pvc-a', { annotations: goAnnotations('node-1') });
    api.faults.forbid('volumeattachments', 'list');
    const { k, h } = instance();
    expect(await h.rebuild.execute()).toEqual({ recovered: 1, cleared: 0, adopted: 0, reconciled: false });
    expect(h.query.nodesOf(vol('pvc-a'))).toEqual(['node-1']);
    expect(k.logger.at('warn').some((l) => /not allowed to list VolumeAttachments/.test(l.message))).toBe(true);
  });

  it('a second instance over the same API server rebuilds exactly the first one state, dual attachments included', async () => {
    for (const id of ['pvc-1', 'pvc-2', 'pvc-3']) putPv(api, id, { accessModes: ['ReadWriteMany'], volumeMode: 'Block' });
    const first = instance();
    await first.h.rebuild.execute();
    const mig = { accessMode: 'MULTI_NODE_MULTI_WRITER', volumeMode: 'block', readonly: false } as const;
    await first.h.attach.execute({ volumeId: vol('pvc-1'), nodeId: node('src'), ...mig });
    await first.h.attach.execute({ volumeId: vol('pvc-1'), nodeId: node('dst'), ...mig });
    await first.h.attach.execute({ volumeId: vol('pvc-2'), nodeId: node('one'), ...mig, accessMode: 'SINGLE_NODE_WRITER' });
    for (const [pvName, nodeName] of [['pvc-1', 'src'], ['pvc-1', 'dst'], ['pvc-2', 'one']] as const) putAttachedVa(api, pvName, nodeName);
    const second = instance();
    await second.h.rebuild.execute();
    expect(second.h.query.list()).toEqual(first.h.query.list());
    expect(second.h.query.get(vol('pvc-1'))?.dualAttachSince).toBe(first.h.query.get(vol('pvc-1'))?.dualAttachSince);
  });
});
