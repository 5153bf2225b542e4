import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, ConcurrentModificationError } from '../../../src/domain/errors.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import type { KubeObject } from '../../support/fake-kube-api/kube-object.js';
import { attachmentHarness } from '../../support/attachment-harness.js';
import { DRIVER, kubeStore, putPv } from '../../support/kube-store-harness.js';
import { attachCommand, node, vol } from '../../support/mothers.js';

const cmd = attachCommand;
const annotations = (api: FakeKubeApi, name: string) =>
  api.get<KubeObject>('persistentvolumes', name)?.metadata?.annotations ?? {};

describe('PvAnnotationAttachmentStore through the attachment use cases', () => {
  let api: FakeKubeApi;
  let k: ReturnType<typeof kubeStore>;
  let h: ReturnType<typeof attachmentHarness>;

  beforeEach(async () => {
    api = await FakeKubeApi.start();
    k = kubeStore(api);
    h = attachmentHarness(k.store, { orchestrator: k.source });
  });
  afterEach(async () => {
    k.store.close();
    await api.stop();
  });

  it('writes the Go driver annotations plus the full JSON, and clears them on detach', async () => {
    putPv(api, 'pvc-1', { annotations: { 'team/owner': 'db' } });
    await h.rebuild.execute();
    await h.attach.execute(cmd('pvc-1', 'worker-1'));
    const written = annotations(api, 'pvc-1');
    expect(written[`${DRIVER}/attached-node`]).toBe('worker-1');
    expect(written[`${DRIVER}/attached-at`]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(JSON.parse(written[`${DRIVER}/attachments`]!).nodes).toEqual([
      expect.objectContaining({ node: 'worker-1', accessMode: 'SINGLE_NODE_WRITER', volumeMode: 'filesystem', readonly: false }),
    ]);
    await h.detach.execute({ volumeId: vol('pvc-1'), nodeId: node('worker-1') });
    expect(annotations(api, 'pvc-1')).toEqual({ 'pv.kubernetes.io/provisioned-by': DRIVER, 'team/owner': 'db' });
  });

  it('costs one API request for an uncontended attach of an indexed volume', async () => {
    putPv(api, 'pvc-1');
    await h.rebuild.execute();
    api.resetCounters();
    await h.attach.execute(cmd('pvc-1', 'worker-1'));
    expect(api.requests().map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200']);
  });

  it('finds a PV created after the start (watch) and one whose name is not the volume ID', async () => {
    await h.rebuild.execute();
    putPv(api, 'pvc-late');
    putPv(api, 'csi-0042', { name: 'pv-imported' });
    await h.attach.execute(cmd('pvc-late', 'a'));
    await h.attach.execute(cmd('csi-0042', 'b'));
    expect(annotations(api, 'pvc-late')[`${DRIVER}/attached-node`]).toBe('a');
    expect(annotations(api, 'pv-imported')[`${DRIVER}/attached-node`]).toBe('b');
  });

  it('keeps the attachment in memory, with a warning naming the volume, when the volume has no PV', async () => {
    await h.rebuild.execute();
    await h.attach.execute(cmd('no-pv-vol', 'a'));
    await expect(h.attach.execute(cmd('no-pv-vol', 'b'))).rejects.toThrow(/attached to node a/);
    expect(k.logger.at('warn').some((l) => l.fields.volumeId === 'no-pv-vol')).toBe(true);
    expect((await h.detach.execute({ volumeId: vol('no-pv-vol') })).detached).toEqual(['a']);
  });

  it('retries through injected 409 conflicts and converges', async () => {
    putPv(api, 'pvc-1');
    await h.rebuild.execute();
    api.faults.conflictNextWrites(3);
    await h.attach.execute(cmd('pvc-1', 'a'));
    expect(annotations(api, 'pvc-1')[`${DRIVER}/attached-node`]).toBe('a');
  });

  it('converges while a second writer keeps bumping the PV resourceVersion', async () => {
    for (let i = 0; i < 20; i += 1) putPv(api, `pvc-${i}`);
    await h.rebuild.execute();
    let running = true;
    const bumper = (async () => {
      for (let n = 0; running; n += 1) {
        for (let i = 0; i < 20; i += 1) api.update<KubeObject>('persistentvolumes', `pvc-${i}`, (pv) => void ((pv.metadata!.labels ??= {}).bump = String(n)));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => h.attach.execute(cmd(`pvc-${i}`, `n-${i}`))));
    } finally {
      running = false;
      await bumper;
    }
    for (let i = 0; i < 20; i += 1) expect(annotations(api, `pvc-${i}`)[`${DRIVER}/attached-node`]).toBe(`n-${i}`);
  });

  it('refuses, and adopts the truth, when another writer changed our annotations', async () => {
    putPv(api, 'pvc-1');
    await h.rebuild.execute();
    api.update<KubeObject>('persistentvolumes', 'pvc-1', (pv) => {
      pv.metadata!.annotations = { ...pv.metadata!.annotations, [`${DRIVER}/attached-node`]: 'intruder' };
    });
    await expect(h.attach.execute(cmd('pvc-1', 'a'))).rejects.toBeInstanceOf(ConcurrentModificationError);
    await expect(h.attach.execute(cmd('pvc-1', 'a'))).rejects.toThrow(/attached to node intruder/);
  });

  it('rolls back and reports UNAVAILABLE-class errors when the API fails', async () => {
    putPv(api, 'pvc-1');
    await h.rebuild.execute();
    api.faults.failNext(1, 500);
    await expect(h.attach.execute(cmd('pvc-1', 'a'))).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(h.query.get(vol('pvc-1'))).toBeUndefined();
    expect(annotations(api, 'pvc-1')[`${DRIVER}/attached-node`]).toBeUndefined();
  });

  it('200 concurrent attaches of one volume: one winner, named in every refusal', async () => {
    putPv(api, 'pvc-hot');
    await h.rebuild.execute();
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => h.attach.execute(cmd('pvc-hot', `n-${i}`))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = annotations(api, 'pvc-hot')[`${DRIVER}/attached-node`];
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toContain(`attached to node ${winner}`);
  });

  it('1,000 volumes attached concurrently to different nodes all succeed and persist', async () => {
    for (let i = 0; i < 1000; i += 1) putPv(api, `pvc-${i}`);
    await h.rebuild.execute();
    await Promise.all(Array.from({ length: 1000 }, (_, i) => h.attach.execute(cmd(`pvc-${i}`, `n-${i}`))));
    const annotated = api.list<KubeObject>('persistentvolumes').filter((pv) => pv.metadata?.annotations?.[`${DRIVER}/attached-node`]);
    expect(annotated).toHaveLength(1000);
  });
});
