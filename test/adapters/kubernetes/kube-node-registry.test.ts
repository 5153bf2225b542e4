import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClients } from '../../../src/adapters/kubernetes/kube-clients.js';
import { KubeNodeRegistry } from '../../../src/adapters/kubernetes/kube-node-registry.js';
import { DEFAULT_KUBERNETES_SETTINGS } from '../../../src/adapters/kubernetes/kubernetes-settings.js';
import { BackendUnavailableError } from '../../../src/domain/errors.js';
import { FakeKubeApi } from '../../support/fake-kube-api/fake-kube-api.js';
import { csiNode } from '../../support/fake-kube-api/objects.js';
import { DRIVER } from '../../support/kube-store-harness.js';
import { node } from '../../support/mothers.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { until } from '../../support/until.js';
import { SystemClock } from '../../../src/adapters/time/system-clock.js';

describe('KubeNodeRegistry', () => {
  let api: FakeKubeApi;
  let registry: KubeNodeRegistry;
  beforeAll(async () => {
    api = await FakeKubeApi.start();
    registry = new KubeNodeRegistry(KubeClients.fromOptions(api.kubeConfigOptions()), { driverName: DRIVER, ...DEFAULT_KUBERNETES_SETTINGS, listPageSize: 1 }, new RecordingLogger(), new SystemClock());
    api.put('csinodes', csiNode('worker-1', DRIVER, 'worker-1'));
    api.put('csinodes', csiNode('worker-2', DRIVER, 'host-nqn-2'));
    api.put('csinodes', csiNode('worker-3', 'other.csi.example.com', 'worker-3'));
  });
  afterAll(async () => {
    registry.close();
    await api.stop();
  });

  it('knows a node registered under its own name, or under another ID, by this driver only', async () => {
    expect(await registry.exists(node('worker-1'))).toBe(true);
    expect(await registry.exists(node('host-nqn-2'))).toBe(true);
    expect(await registry.exists(node('worker-3'))).toBe(false);
    expect(await registry.exists(node('fake-node-id-0123456789'))).toBe(false);
  });

  it('reports an unreachable API as unavailable, not as an unknown node', async () => {
    api.faults.failNext(1, 500);
    await expect(registry.exists(node('not-in-the-cache'))).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it('follows CSINodes: a known node costs no API request, a new or removed registration shows up', async () => {
    await until(async () => (await registry.exists(node('worker-1'))) && api.activeWatchCount('csinodes') > 0);
    api.resetCounters();
    expect(await registry.exists(node('host-nqn-2'))).toBe(true);
    expect(api.requestCount()).toBe(0);
    api.put('csinodes', csiNode('worker-4', DRIVER, 'host-nqn-4'));
    await until(async () => registry.exists(node('host-nqn-4')));
    api.delete('csinodes', 'worker-2');
    await until(async () => !(await registry.exists(node('host-nqn-2'))));
  });
});
