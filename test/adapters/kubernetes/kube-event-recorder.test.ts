import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClients } from '../../../src/adapters/kubernetes/kube-clients.js';
import { KubeEventRecorder } from '../../../src/adapters/kubernetes/kube-event-recorder.js';
import { DEFAULT_KUBERNETES_SETTINGS } from '../../../src/adapters/kubernetes/kubernetes-settings.js';
import { PvIndex } from '../../../src/adapters/kubernetes/pv-index.js';
import { SystemClock } from '../../../src/adapters/time/system-clock.js';
import { DRIVER, putPv } from '../../support/kube-store-harness.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import type { KubeObject } from '../../support/fake-kube-api/kube-object.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const event = (reason: string, name = 'data') => ({ pvc: { name, namespace: 'db' }, type: 'Warning' as const, reason, message: `${reason} happened` });

describe('KubeEventRecorder', () => {
  let api: FakeKubeApi;
  let logger: RecordingLogger;
  let recorder: KubeEventRecorder;
  let index: PvIndex;
  beforeEach(async () => {
    api = await FakeKubeApi.start();
    logger = new RecordingLogger();
    const clients = KubeClients.fromOptions(api.kubeConfigOptions());
    index = new PvIndex(clients, { driverName: DRIVER, ...DEFAULT_KUBERNETES_SETTINGS }, logger, new SystemClock());
    recorder = new KubeEventRecorder(clients, { component: 'rds-csi-controller', instance: 'ctl-0', queueLimit: 3 }, logger, index);
  });
  afterEach(async () => api.stop());

  it('posts a core/v1 Event on the PVC without blocking the caller', async () => {
    api.faults.latency(200);
    const returned: unknown = recorder.record(event('AttachmentConflict'));
    expect(returned).toBeUndefined();
    expect(api.list('events', 'db')).toEqual([]);
    await recorder.flush();
    const [posted] = api.list<KubeObject & Record<string, unknown>>('events', 'db');
    expect(posted).toMatchObject({
      involvedObject: { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'db' },
      type: 'Warning',
      reason: 'AttachmentConflict',
      message: 'AttachmentConflict happened',
      source: { component: 'rds-csi-controller', host: 'ctl-0' },
    });
  });

  it('never throws when the API fails, logging instead, and keeps posting later events', async () => {
    api.faults.failNext(1, 500);
    recorder.record(event('First'));
    recorder.record(event('Second'));
    await recorder.flush();
    expect(api.list<{ reason: string }>('events', 'db').map((e) => e.reason)).toEqual(['Second']);
    expect(logger.at('warn').map((l) => l.fields.reason)).toEqual(['First']);
  });

  it('drops events beyond its queue limit and ignores PVC names that are not object names', async () => {
    api.faults.latency(50);
    for (let i = 0; i < 10; i += 1) recorder.record(event(`E${i}`));
    recorder.record(event('Bad', 'not a name/../x'));
    await recorder.flush();
    expect(api.list('events', 'db').length).toBeLessThanOrEqual(4);
    expect(recorder.dropped).toBeGreaterThanOrEqual(6);
  });

  it('posts an event that names only its volume on the claim of the volume\'s PersistentVolume', async () => {
    putPv(api, 'pvc-7', { claimRef: { namespace: 'vms', name: 'disk-7' } });
    await index.read('pvc-7');
    recorder.record({ volumeId: 'pvc-7', type: 'Warning', reason: 'MigrationTimedOut', message: 'too long' });
    recorder.record({ volumeId: 'pvc-unknown', type: 'Warning', reason: 'MigrationTimedOut', message: 'nobody' });
    await recorder.flush();
    expect(api.list<KubeObject & Record<string, unknown>>('events', 'vms')).toEqual([
      expect.objectContaining({ involvedObject: expect.objectContaining({ name: 'disk-7', namespace: 'vms' }), reason: 'MigrationTimedOut' }),
    ]);
    expect(api.list('events')).toHaveLength(1);
  });
});
