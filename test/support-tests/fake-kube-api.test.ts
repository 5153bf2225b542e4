import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1PersistentVolume,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../support/fake-kube-api/fake-kube-api.js';
import { pv } from '../support/fake-kube-api/objects.js';

const DRIVER = 'rds.csi.srvlab.io';
let api: FakeKubeApi;
let core: CoreV1Api;

/** The Status object of a failed call; client-node 2.x hands the error body over as the raw JSON string. */
async function statusOf(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiException);
  const e = err as ApiException<unknown>;
  expect(typeof e.body).toBe('string');
  return { code: e.code, body: JSON.parse(e.body as string) as Record<string, unknown> };
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

beforeAll(async () => {
  api = await FakeKubeApi.start();
  const kc = new KubeConfig();
  kc.loadFromOptions(api.kubeConfigOptions());
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(() => api.stop());
beforeEach(() => {
  for (const p of api.list('persistentvolumes')) api.delete('persistentvolumes', p.metadata.name!);
  api.faults.reset();
  api.resetCounters();
});

describe('FakeKubeApi with the real client-node: PersistentVolumes', () => {
  it('serves a PV created through the API with server-set metadata', async () => {
    const created = await core.createPersistentVolume({ body: pv('pv-a', { driver: DRIVER, volumeHandle: 'vol-a' }) });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toBe(api.resourceVersion());
    const read = await core.readPersistentVolume({ name: 'pv-a' });
    expect(read.spec?.csi?.driver).toBe(DRIVER);
    expect(read.spec?.csi?.volumeHandle).toBe('vol-a');
    expect(read.kind).toBe('PersistentVolume');
    expect(api.get('persistentvolumes', 'pv-a')?.metadata.uid).toBe(created.metadata?.uid);
  });

  it('answers a missing PV with a 404 NotFound Status', async () => {
    const { code, body } = await statusOf(core.readPersistentVolume({ name: 'nope' }));
    expect(code).toBe(404);
    expect(body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'persistentvolumes "nope" not found',
      details: { name: 'nope', kind: 'persistentvolumes' },
    });
  });

  it('answers a duplicate create with 409 AlreadyExists', async () => {
    api.put('persistentvolumes', pv('dup', { driver: DRIVER, volumeHandle: 'v' }));
    const { code, body } = await statusOf(core.createPersistentVolume({ body: pv('dup', { driver: DRIVER, volumeHandle: 'v' }) }));
    expect(code).toBe(409);
    expect(body.reason).toBe('AlreadyExists');
  });

  it('pages 1,050 PVs with limit 100: every PV exactly once, continue absent on the last page', async () => {
    for (let i = 0; i < 1050; i++) api.put('persistentvolumes', pv(`pv-${String(i).padStart(4, '0')}`, { driver: DRIVER, volumeHandle: `h${i}` }));
    const seen: string[] = [];
    let pages = 0;
    let _continue: string | undefined;
    let firstRv: string | undefined;
    do {
      const page = await core.listPersistentVolume({ limit: 100, ...(_continue ? { _continue } : {}) });
      pages++;
      firstRv ??= page.metadata?.resourceVersion;
      expect(page.metadata?.resourceVersion).toBe(firstRv);
      expect(page.items.length).toBe(pages === 11 ? 50 : 100);
      seen.push(...page.items.map((p) => p.metadata!.name!));
      _continue = page.metadata?._continue;
    } while (_continue);
    expect(pages).toBe(11);
    expect(seen.length).toBe(1050);
    expect(new Set(seen).size).toBe(1050);
    expect(firstRv).toBe(api.resourceVersion());
    expect(api.requestCount({ kind: 'persistentvolumes', verb: 'list' })).toBe(11);
  });

  it('filters lists by label and by metadata.name field selectors', async () => {
    api.put('persistentvolumes', pv('l1', { driver: DRIVER, volumeHandle: 'a', labels: { tier: 'gold' } }));
    api.put('persistentvolumes', pv('l2', { driver: DRIVER, volumeHandle: 'b', labels: { tier: 'silver' } }));
    api.put('persistentvolumes', pv('l3', { driver: DRIVER, volumeHandle: 'c' }));
    const gold = await core.listPersistentVolume({ labelSelector: 'tier=gold' });
    expect(gold.items.map((p) => p.metadata?.name)).toEqual(['l1']);
    const notGold = await core.listPersistentVolume({ labelSelector: 'tier!=gold' });
    expect(notGold.items.map((p) => p.metadata?.name)).toEqual(['l2', 'l3']);
    const byName = await core.listPersistentVolume({ fieldSelector: 'metadata.name=l3' });
    expect(byName.items.map((p) => p.metadata?.name)).toEqual(['l3']);
  });

  it('replace with a stale resourceVersion is a 409 Conflict; with the current one it succeeds', async () => {
    api.put('persistentvolumes', pv('r1', { driver: DRIVER, volumeHandle: 'v' }));
    const first = await core.readPersistentVolume({ name: 'r1' });
    api.update('persistentvolumes', 'r1', (p) => {
      p.metadata.annotations = { ...p.metadata.annotations, touched: 'yes' };
    });
    first.metadata!.annotations = { mine: 'x' };
    const { code, body } = await statusOf(core.replacePersistentVolume({ name: 'r1', body: first }));
    expect(code).toBe(409);
    expect(body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on persistentvolumes "r1": the object has been modified; ' +
        'please apply your changes to the latest version and try again',
    });
    const fresh = await core.readPersistentVolume({ name: 'r1' });
    fresh.metadata!.annotations = { ...fresh.metadata!.annotations, mine: 'x' };
    const replaced = await core.replacePersistentVolume({ name: 'r1', body: fresh });
    expect(Number(replaced.metadata!.resourceVersion)).toBeGreaterThan(Number(fresh.metadata!.resourceVersion));
    expect(api.get('persistentvolumes', 'r1')?.metadata.annotations).toMatchObject({ touched: 'yes', mine: 'x' });
  });

  it('replace without resourceVersion is unconditional, and cannot change status of the main resource', async () => {
    api.put('persistentvolumes', pv('u1', { driver: DRIVER, volumeHandle: 'v' }));
    const body = pv('u1', { driver: DRIVER, volumeHandle: 'v', annotations: { a: '1' } }) as V1PersistentVolume;
    body.status = { phase: 'Released' };
    const replaced = await core.replacePersistentVolume({ name: 'u1', body });
    expect(replaced.metadata?.annotations?.a).toBe('1');
    expect(replaced.status?.phase).toBe('Bound');
    const withoutStatus = pv('u1', { driver: DRIVER, volumeHandle: 'v' }) as V1PersistentVolume;
    delete withoutStatus.status;
    expect((await core.replacePersistentVolume({ name: 'u1', body: withoutStatus })).status?.phase).toBe('Bound');
  });

  it('merge patch: null deletes an annotation, a resourceVersion in the patch is a precondition', async () => {
    const stored = api.put('persistentvolumes', pv('m1', { driver: DRIVER, volumeHandle: 'v', annotations: { gone: 'x', kept: 'y' } }));
    const patched = await core.patchPersistentVolume(
      { name: 'm1', body: { metadata: { annotations: { gone: null, added: 'z' } } } },
      merge,
    );
    expect(patched.metadata?.annotations).toMatchObject({ kept: 'y', added: 'z' });
    expect(patched.metadata?.annotations).not.toHaveProperty('gone');
    expect(api.requests().at(-1)).toMatchObject({ method: 'PATCH', contentType: 'application/merge-patch+json', status: 200 });

    const stale = stored.metadata.resourceVersion;
    const { code, body } = await statusOf(
      core.patchPersistentVolume({ name: 'm1', body: { metadata: { resourceVersion: stale, labels: { l: '1' } } } }, merge),
    );
    expect(code).toBe(409);
    expect(body.reason).toBe('Conflict');
    const ok = await core.patchPersistentVolume(
      { name: 'm1', body: { metadata: { resourceVersion: patched.metadata!.resourceVersion, labels: { l: '1' } } } },
      merge,
    );
    expect(ok.metadata?.labels).toEqual({ l: '1' });
  });

  it('strategic merge patch is applied as a merge patch', async () => {
    api.put('persistentvolumes', pv('s1', { driver: DRIVER, volumeHandle: 'v' }));
    const opts = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    const patched = await core.patchPersistentVolume({ name: 's1', body: { metadata: { labels: { s: 'yes' } } } }, opts);
    expect(patched.metadata?.labels).toEqual({ s: 'yes' });
  });

  it('json patch: add/replace/remove apply; a failed test op answers 422 and changes nothing', async () => {
    api.put('persistentvolumes', pv('j1', { driver: DRIVER, volumeHandle: 'v', annotations: { a: '1', 'x/y': '2' } }));
    // JSON patch is what client-node sends for patch calls when no Content-Type option is given.
    const patched = await core.patchPersistentVolume({
      name: 'j1',
      body: [
        { op: 'test', path: '/metadata/annotations/a', value: '1' },
        { op: 'replace', path: '/metadata/annotations/a', value: '10' },
        { op: 'remove', path: '/metadata/annotations/x~1y' },
        { op: 'add', path: '/spec/accessModes/-', value: 'ReadOnlyMany' },
      ],
    });
    expect(patched.metadata?.annotations).toEqual({ 'pv.kubernetes.io/provisioned-by': DRIVER, a: '10' });
    expect(patched.spec?.accessModes).toEqual(['ReadWriteOnce', 'ReadOnlyMany']);
    expect(api.requests().at(-1)?.contentType).toBe('application/json-patch+json');
    const rv = api.get('persistentvolumes', 'j1')?.metadata.resourceVersion;
    const { code, body } = await statusOf(
      core.patchPersistentVolume({
        name: 'j1',
        body: [
          { op: 'replace', path: '/metadata/annotations/a', value: '99' },
          { op: 'test', path: '/metadata/annotations/a', value: '1' },
        ],
      }),
    );
    expect(code).toBe(422);
    expect(body.reason).toBe('Invalid');
    expect(api.get('persistentvolumes', 'j1')?.metadata).toMatchObject({ resourceVersion: rv, annotations: { a: '10' } });
  });

  it('delete returns the object; a PV with a finalizer only gets a deletionTimestamp until it is removed', async () => {
    api.put('persistentvolumes', pv('d1', { driver: DRIVER, volumeHandle: 'v' }));
    const deleted = await core.deletePersistentVolume({ name: 'd1' });
    expect(deleted.metadata?.name).toBe('d1');
    expect(api.get('persistentvolumes', 'd1')).toBeUndefined();
    expect((await statusOf(core.deletePersistentVolume({ name: 'd1' }))).code).toBe(404);

    api.put('persistentvolumes', pv('d2', { driver: DRIVER, volumeHandle: 'v', finalizers: ['kubernetes.io/pv-protection'] }));
    const pending = await core.deletePersistentVolume({ name: 'd2' });
    expect(pending.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(api.get('persistentvolumes', 'd2')).toBeDefined();
    await core.patchPersistentVolume({ name: 'd2', body: { metadata: { finalizers: null } } }, merge);
    expect(api.get('persistentvolumes', 'd2')).toBeUndefined();
  });
});
