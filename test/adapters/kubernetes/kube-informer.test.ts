import type { PersistentVolume } from '../../../src/adapters/kubernetes/kube-objects.js';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClients } from '../../../src/adapters/kubernetes/kube-clients.js';
import { KubeInformer } from '../../../src/adapters/kubernetes/kube-informer.js';
import type { InformerHandlers, InformerSettings } from '../../../src/adapters/kubernetes/kube-informer.js';
import { ManualClock } from '../../../src/adapters/time/manual-clock.js';
import { SystemClock } from '../../../src/adapters/time/system-clock.js';
import type { Clock } from '../../../src/ports/clock.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import type { KubeObject } from '../../support/fake-kube-api/kube-object.js';
import type { RequestRecord } from '../../support/fake-kube-api/request-log.js';
import { putPv } from '../../support/kube-store-harness.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { until } from '../../support/until.js';

type Seen =
  | { readonly kind: 'replace'; readonly names: string[]; readonly resourceVersion: string }
  | { readonly kind: 'upsert' | 'remove'; readonly name: string; readonly resourceVersion: string };

/** Handlers that log what they are told and keep the view it adds up to: name → resourceVersion. */
class Mirror implements InformerHandlers<PersistentVolume> {
  readonly seen: Seen[] = [];
  readonly view = new Map<string, string>();
  replace(items: PersistentVolume[], resourceVersion: string): void {
    this.seen.push({ kind: 'replace', names: items.map((i) => i.metadata!.name!), resourceVersion });
    this.view.clear();
    for (const item of items) this.view.set(item.metadata!.name!, item.metadata!.resourceVersion!);
  }
  upsert(item: PersistentVolume): void {
    this.seen.push({ kind: 'upsert', name: item.metadata!.name!, resourceVersion: item.metadata!.resourceVersion! });
    this.view.set(item.metadata!.name!, item.metadata!.resourceVersion!);
  }
  remove(item: PersistentVolume): void {
    this.seen.push({ kind: 'remove', name: item.metadata!.name!, resourceVersion: item.metadata!.resourceVersion! });
    this.view.delete(item.metadata!.name!);
  }
  replaces(): Seen[] {
    return this.seen.filter((s) => s.kind === 'replace');
  }
}

/** A ManualClock that also remembers every delay asked of it. */
class RecordingClock extends ManualClock {
  readonly sleeps: number[] = [];
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return super.sleep(ms, signal);
  }
}

const SETTINGS: InformerSettings = { pageSize: 2, retryBaseMs: 10, retryMaxMs: 50 };
const isPvRequest = (r: RequestRecord) => r.kind === 'persistentvolumes';
const lists = (api: FakeKubeApi) => api.requests().filter((r) => isPvRequest(r) && r.verb === 'list');
const watches = (api: FakeKubeApi) => api.requests().filter((r) => isPvRequest(r) && r.verb === 'watch');
const stored = (api: FakeKubeApi) =>
  new Map(api.list<KubeObject>('persistentvolumes').map((pv) => [pv.metadata.name!, pv.metadata.resourceVersion!]));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KubeInformer over PersistentVolumes', () => {
  let api: FakeKubeApi;
  const running: KubeInformer<PersistentVolume>[] = [];

  const informer = (mirror: Mirror, options: { clock?: Clock; settings?: InformerSettings } = {}) => {
    const clients = KubeClients.fromOptions(api.kubeConfigOptions());
    const logger = new RecordingLogger();
    const subject = new KubeInformer<PersistentVolume>(
      clients,
      {
        what: 'PersistentVolumes',
        watchPath: '/api/v1/persistentvolumes',
        list: (limit, token) => clients.core.listPersistentVolume({ limit, continue: token }),
      },
      mirror,
      options.settings ?? SETTINGS,
      logger,
      options.clock ?? new SystemClock(),
    );
    running.push(subject);
    return { subject, logger };
  };
  const seedPvs = (count: number) => {
    for (let i = 0; i < count; i += 1) putPv(api, `pv-${i}`);
  };

  afterEach(async () => {
    for (const i of running.splice(0)) i.stop();
    await api.stop();
  });

  it('resolves start() after the first complete list, every page of it in one replace', async () => {
    api = await FakeKubeApi.start();
    seedPvs(5);
    const mirror = new Mirror();
    await informer(mirror).subject.start();
    expect(mirror.seen).toEqual([{ kind: 'replace', names: ['pv-0', 'pv-1', 'pv-2', 'pv-3', 'pv-4'], resourceVersion: api.resourceVersion() }]);
    expect(mirror.view).toEqual(stored(api));
    const pages = lists(api);
    expect(pages.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(pages.every((r) => new URLSearchParams(r.query).get('limit') === '2')).toBe(true);
    expect(pages.map((r) => new URLSearchParams(r.query).has('continue'))).toEqual([false, true, true]);
  });

  it('delivers later creates, updates and deletes by watch, in order, without listing again', async () => {
    api = await FakeKubeApi.start();
    seedPvs(3);
    const mirror = new Mirror();
    await informer(mirror).subject.start();
    putPv(api, 'pv-new');
    api.update<KubeObject>('persistentvolumes', 'pv-1', (pv) => void (pv.metadata.labels = { tier: 'gold' }));
    api.delete('persistentvolumes', 'pv-2');
    await until(() => mirror.seen.length === 4);
    expect(mirror.seen.slice(1).map((s) => `${s.kind} ${'name' in s ? s.name : ''}`)).toEqual(['upsert pv-new', 'upsert pv-1', 'remove pv-2']);
    expect(mirror.view).toEqual(stored(api));
    expect(lists(api)).toHaveLength(2);
    expect(watches(api)).toHaveLength(1);
  });

  it('resumes an ended watch from the last resourceVersion it saw, without a new list', async () => {
    api = await FakeKubeApi.start();
    seedPvs(3);
    const mirror = new Mirror();
    await informer(mirror).subject.start();
    api.update<KubeObject>('persistentvolumes', 'pv-0', (pv) => void (pv.metadata.labels = { seen: 'before' }));
    await until(() => mirror.seen.length === 2);
    const lastSeen = api.resourceVersion();
    api.closeWatches();
    putPv(api, 'pv-while-away');
    await until(() => mirror.view.has('pv-while-away'));
    const [first, second, ...more] = watches(api);
    expect(more).toEqual([]);
    expect(new URLSearchParams(first!.query).get('resourceVersion')).toBe(mirror.replaces()[0]!.resourceVersion);
    expect(new URLSearchParams(second!.query).get('resourceVersion')).toBe(lastSeen);
    expect(lists(api)).toHaveLength(2);
    expect(mirror.replaces()).toHaveLength(1);
    expect(mirror.seen.at(-1)).toMatchObject({ kind: 'upsert', name: 'pv-while-away' });
    expect(mirror.view).toEqual(stored(api));
  });

  it('lists again, replacing the whole set, when its resume point has left the watch history (410)', async () => {
    api = await FakeKubeApi.start({ watchHistory: 3 });
    seedPvs(4);
    const mirror = new Mirror();
    await informer(mirror).subject.start();
    await until(() => api.activeWatchCount('persistentvolumes') === 1);
    api.closeWatches();
    api.delete('persistentvolumes', 'pv-0');
    api.delete('persistentvolumes', 'pv-1');
    for (let i = 0; i < 6; i += 1) api.update<KubeObject>('persistentvolumes', 'pv-2', (pv) => void (pv.metadata.labels = { n: String(i) }));
    putPv(api, 'pv-late-1');
    putPv(api, 'pv-late-2');
    await until(() => mirror.replaces().length === 2);
    const relist = mirror.replaces()[1]!;
    expect(relist).toEqual({ kind: 'replace', names: ['pv-2', 'pv-3', 'pv-late-1', 'pv-late-2'], resourceVersion: api.resourceVersion() });
    expect(mirror.view).toEqual(stored(api));
    expect(lists(api).length).toBeGreaterThan(2);
    putPv(api, 'pv-after-relist');
    await until(() => mirror.view.has('pv-after-relist'));
    expect(mirror.seen.at(-1)).toMatchObject({ kind: 'upsert', name: 'pv-after-relist' });
  });

  it('retries failing lists with growing backoff and resolves start() once the API recovers', async () => {
    api = await FakeKubeApi.start();
    seedPvs(3);
    api.faults.failNext(3, 500, 'persistentvolumes');
    const clock = new RecordingClock();
    const mirror = new Mirror();
    const base = 100;
    const { subject, logger } = informer(mirror, { clock, settings: { pageSize: 2, retryBaseMs: base, retryMaxMs: 10_000 } });
    let synced = false;
    const started = subject.start().then(() => (synced = true));
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await until(() => clock.sleeps.length === attempt, 5_000);
      const ceiling = base * 2 ** (attempt - 1);
      expect(clock.sleeps[attempt - 1]).toBeGreaterThanOrEqual(ceiling / 2);
      expect(clock.sleeps[attempt - 1]).toBeLessThanOrEqual(ceiling);
      await pause(30);
      expect(lists(api)).toHaveLength(attempt);
      expect(synced).toBe(false);
      clock.advance(ceiling);
    }
    await started;
    expect(lists(api).map((r) => r.status)).toEqual([500, 500, 500, 200, 200]);
    expect(mirror.seen).toEqual([{ kind: 'replace', names: ['pv-0', 'pv-1', 'pv-2'], resourceVersion: api.resourceVersion() }]);
    expect(logger.at('warn').filter((l) => /could not list PersistentVolumes/.test(l.message))).toHaveLength(3);
  });

  it('stop() closes the watch and ends everything: no more events, no more requests', async () => {
    api = await FakeKubeApi.start();
    seedPvs(2);
    const mirror = new Mirror();
    const { subject } = informer(mirror);
    await subject.start();
    await until(() => api.activeWatchCount('persistentvolumes') === 1);
    subject.stop();
    await until(() => api.activeWatchCount() === 0);
    const requests = api.requestCount();
    const seen = mirror.seen.length;
    putPv(api, 'pv-after-stop');
    await pause(200);
    expect(api.requestCount()).toBe(requests);
    expect(mirror.seen).toHaveLength(seen);
    expect(api.activeWatchCount()).toBe(0);
  });

  it('stop() while lists keep failing rejects start() and stops retrying', async () => {
    api = await FakeKubeApi.start();
    api.faults.failNext(1_000, 503, 'persistentvolumes');
    const mirror = new Mirror();
    const { subject } = informer(mirror);
    const started = subject.start();
    await until(() => lists(api).length >= 2);
    subject.stop();
    await expect(started).rejects.toThrow(/stopped following PersistentVolumes/);
    const requests = api.requestCount();
    await pause(200);
    expect(api.requestCount()).toBe(requests);
    expect(mirror.seen).toEqual([]);
  });

  it('stop() during the first list rejects start(), tells the handlers nothing and opens no watch', async () => {
    api = await FakeKubeApi.start();
    seedPvs(2);
    api.faults.latency(150);
    const mirror = new Mirror();
    const { subject } = informer(mirror);
    const started = subject.start();
    // The fake logs a request on arrival but learns its verb only after the injected latency.
    await until(() => api.requestCount() === 1, 5_000);
    subject.stop();
    await expect(started).rejects.toThrow(/stopped following PersistentVolumes/);
    await pause(300);
    expect(mirror.seen).toEqual([]);
    expect(watches(api)).toEqual([]);
    expect(api.activeWatchCount()).toBe(0);
  });
});
