import { ApiException, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../support/fake-kube-api/fake-kube-api.js';
import { pv } from '../support/fake-kube-api/objects.js';

const DRIVER = 'rds.csi.srvlab.io';
let api: FakeKubeApi;
let core: CoreV1Api;

async function failure(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> | undefined }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiException);
  const e = err as ApiException<unknown>;
  return { code: e.code, body: typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : undefined };
}

function clientFor(opts: ReturnType<FakeKubeApi['kubeConfigOptions']>): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromOptions(opts);
  return kc.makeApiClient(CoreV1Api);
}

beforeAll(async () => {
  api = await FakeKubeApi.start();
  core = clientFor(api.kubeConfigOptions());
});
afterAll(() => api.stop());
beforeEach(() => {
  api.faults.reset();
  api.resetCounters();
  if (!api.get('persistentvolumes', 'f1')) api.put('persistentvolumes', pv('f1', { driver: DRIVER, volumeHandle: 'v' }));
});

describe('FakeKubeApi authentication and TLS', () => {
  it('requires the bearer token: without it every request is a 401', async () => {
    const opts = api.kubeConfigOptions();
    const anonymous = clientFor({ ...opts, users: [{ name: 'fake-user', token: '' }] });
    const { code } = await failure(anonymous.readPersistentVolume({ name: 'f1' }));
    expect(code).toBe(401);
    const wrong = clientFor({ ...opts, users: [{ name: 'fake-user', token: 'not-the-token' }] });
    expect((await failure(wrong.listPersistentVolume())).code).toBe(401);
    expect(api.requestCount({ status: 401 })).toBe(2);
  });

  it('answers 401 with an Unauthorized Status body (seen on the raw HTTPS response)', async () => {
    const res = await rawGet(api, '/api/v1/persistentvolumes/f1', undefined);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    const ok = await rawGet(api, '/api/v1/persistentvolumes/f1', api.token);
    expect(ok.status).toBe(200);
  });

  it('is trusted only through the generated CA (a client without it is refused)', async () => {
    const opts = api.kubeConfigOptions();
    const untrusted = clientFor({ ...opts, clusters: [{ ...opts.clusters[0]!, caData: '' }] });
    const err = await untrusted.readPersistentVolume({ name: 'f1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApiException);
  });
});

describe('FakeKubeApi fault injection', () => {
  it('conflictNextWrites answers 409 to updates with a correct resourceVersion, then lets them through', async () => {
    api.faults.conflictNextWrites(2, 'persistentvolumes');
    for (let i = 0; i < 2; i++) {
      const current = await core.readPersistentVolume({ name: 'f1' });
      const { code, body } = await failure(core.replacePersistentVolume({ name: 'f1', body: current }));
      expect(code).toBe(409);
      expect(body?.reason).toBe('Conflict');
    }
    const current = await core.readPersistentVolume({ name: 'f1' });
    await expect(core.replacePersistentVolume({ name: 'f1', body: current })).resolves.toBeDefined();
  });

  it('conflictNextWrites with another kind leaves PV writes alone', async () => {
    api.faults.conflictNextWrites(1, 'volumeattachments');
    const current = await core.readPersistentVolume({ name: 'f1' });
    await expect(core.replacePersistentVolume({ name: 'f1', body: current })).resolves.toBeDefined();
  });

  it('failNext answers the next N requests with an InternalError Status (or the status asked for)', async () => {
    api.faults.failNext(1);
    const { code, body } = await failure(core.readPersistentVolume({ name: 'f1' }));
    expect(code).toBe(500);
    expect(body).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    api.faults.failNext(1, 503, 'persistentvolumes');
    expect((await failure(core.listPersistentVolume())).body).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    await expect(core.readPersistentVolume({ name: 'f1' })).resolves.toBeDefined();
  });

  it('latency delays every request; reset removes it', async () => {
    api.faults.latency(150);
    const t0 = performance.now();
    await core.readPersistentVolume({ name: 'f1' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    api.faults.reset();
    await expect(core.readPersistentVolume({ name: 'f1' })).resolves.toBeDefined();
  });

  it('goneOnContinue answers a continued list with 410 Expired; a fresh list then works', async () => {
    for (let i = 0; i < 5; i++) api.put('persistentvolumes', pv(`g${i}`, { driver: DRIVER, volumeHandle: 'v' }));
    api.faults.goneOnContinue(1);
    const first = await core.listPersistentVolume({ limit: 2 });
    expect(first.metadata?._continue).toBeTruthy();
    const { code, body } = await failure(core.listPersistentVolume({ limit: 2, _continue: first.metadata!._continue! }));
    expect(code).toBe(410);
    expect(body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    const again = await core.listPersistentVolume({ limit: 2, _continue: first.metadata!._continue! });
    expect(again.items.length).toBe(2);
  });

  it('forbid answers 403 Forbidden for that verb only, until reset', async () => {
    api.faults.forbid('persistentvolumes', 'patch');
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const { code, body } = await failure(core.patchPersistentVolume({ name: 'f1', body: { metadata: { labels: { a: 'b' } } } }, merge));
    expect(code).toBe(403);
    expect(body).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(String(body?.message)).toContain('cannot patch resource "persistentvolumes"');
    await expect(core.readPersistentVolume({ name: 'f1' })).resolves.toBeDefined();
    api.faults.reset();
    await expect(core.patchPersistentVolume({ name: 'f1', body: { metadata: { labels: { a: 'b' } } } }, merge)).resolves.toBeDefined();
  });

  it('counts requests by method, kind, verb and path', async () => {
    await core.readPersistentVolume({ name: 'f1' });
    await core.listPersistentVolume();
    expect(api.requestCount()).toBe(2);
    expect(api.requestCount({ verb: 'get', kind: 'persistentvolumes' })).toBe(1);
    expect(api.requestCount({ path: '/api/v1/persistentvolumes/f1' })).toBe(1);
    expect(api.requestCount({ path: /^\/api\/v1\/persistentvolumes/, method: 'GET' })).toBe(2);
    expect(api.requests().map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/api/v1/persistentvolumes/f1', 200],
      ['GET', '/api/v1/persistentvolumes', 200],
    ]);
    api.resetCounters();
    expect(api.requestCount()).toBe(0);
  });
});

async function rawGet(api: FakeKubeApi, path: string, token: string | undefined): Promise<{ status: number; body: string }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { ca: api.caCertificate, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
