import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../../src/domain/errors.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import type { KubeObject } from '../../support/fake-kube-api/kube-object.js';
import { volumeAttachment } from '../../support/fake-kube-api/objects.js';
import { kubeStore, putAttachedVa, putPv } from '../../support/kube-store-harness.js';

describe('VolumeAttachmentSource (Kubernetes\u2019 view of attachments)', () => {
  let api: FakeKubeApi;
  beforeEach(async () => {
    api = await FakeKubeApi.start();
  });
  afterEach(async () => api.stop());

  it('reports this driver\u2019s VolumeAttachments by volume handle, attached or not, and those being deleted', async () => {
    putPv(api, 'pvc-a', { accessModes: ['ReadWriteMany'], volumeMode: 'Block' });
    putPv(api, 'pv-imported', { name: 'pv-imported' });
    putPv(api, 'csi-0042', { name: 'pv-42' });
    putAttachedVa(api, 'pvc-a', 'node-1');
    putAttachedVa(api, 'pv-42', 'node-2', false);
    const leaving = volumeAttachment('csi-leaving', { attacher: 'rds.csi.srvlab.io', pvName: 'pvc-a', nodeName: 'node-3', attached: true });
    api.put('volumeattachments', { ...leaving, metadata: { name: 'csi-leaving', finalizers: ['external-attacher/rds-csi-srvlab-io'], deletionTimestamp: '2026-11-30T10:00:00Z' } });
    api.put('volumeattachments', volumeAttachment('other', { attacher: 'other.csi.example.com', pvName: 'pvc-a', nodeName: 'node-9', attached: true }));
    const { orchestrator } = kubeStore(api, { listPageSize: 1 });
    const reported = await orchestrator.listAttachments();
    const view = reported?.map((r) => [r.volumeId, r.nodeId, r.attached, r.detaching, r.accessMode, r.volumeMode]).sort();
    expect(view).toEqual([
      ['csi-0042', 'node-2', false, false, 'SINGLE_NODE_MULTI_WRITER', 'filesystem'],
      ['pvc-a', 'node-1', true, false, 'MULTI_NODE_MULTI_WRITER', 'block'],
      ['pvc-a', 'node-3', true, true, 'MULTI_NODE_MULTI_WRITER', 'block'],
    ]);
    const created = api.get<KubeObject>('volumeattachments', 'csi-pvc-a-node-1')!.metadata!.creationTimestamp!;
    expect(reported!.find((r) => r.nodeId === 'node-1')!.attachedAt).toBe(Date.parse(created));
  });

  it('cannot tell when RBAC forbids listing them (the record is then kept), and is unavailable when the API fails', async () => {
    const k = kubeStore(api);
    api.faults.forbid('volumeattachments', 'list');
    expect(await k.orchestrator.listAttachments()).toBeUndefined();
    expect(k.logger.at('warn').some((l) => /not allowed to list VolumeAttachments/.test(l.message))).toBe(true);
    api.faults.reset();
    api.faults.failNext(1, 500, 'volumeattachments');
    await expect(k.orchestrator.listAttachments()).rejects.toBeInstanceOf(BackendUnavailableError);
  });
});
