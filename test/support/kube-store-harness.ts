import { CachedAttachmentRepository } from '../../src/adapters/attachments/cached-attachment-repository.js';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { DEFAULT_KUBERNETES_SETTINGS } from '../../src/adapters/kubernetes/kubernetes-settings.js';
import type { KubernetesSettings } from '../../src/adapters/kubernetes/kubernetes-settings.js';
import { PvAttachmentSource } from '../../src/adapters/kubernetes/pv-attachment-source.js';
import { PvIndex } from '../../src/adapters/kubernetes/pv-index.js';
import { VolumeAttachmentSource } from '../../src/adapters/kubernetes/volume-attachment-source.js';
import { SystemClock } from '../../src/adapters/time/system-clock.js';
import type { FakeKubeApi } from './fake-kube-api/fake-kube-api.js';
import { pv, volumeAttachment } from './fake-kube-api/objects.js';
import type { PvOptions } from './fake-kube-api/objects.js';
import { RecordingLogger } from './recording-logger.js';

export const DRIVER = 'rds.csi.srvlab.io';

/** The real Kubernetes adapters of one controller replica, talking HTTPS to the fake API server. */
export function kubeStore(api: FakeKubeApi, overrides: Partial<KubernetesSettings> = {}) {
  const settings: KubernetesSettings = { driverName: DRIVER, ...DEFAULT_KUBERNETES_SETTINGS, ...overrides };
  const clients = KubeClients.fromOptions(api.kubeConfigOptions());
  const logger = new RecordingLogger();
  const clock = new SystemClock();
  const index = new PvIndex(clients, settings, logger, clock);
  const source = new PvAttachmentSource(index, clients, settings, logger, clock);
  const repository = new CachedAttachmentRepository(source, logger);
  const orchestrator = new VolumeAttachmentSource(clients, index, settings, logger);
  return { settings, clients, logger, clock, index, source, repository, orchestrator };
}

/** A PV of this driver whose name is the volume handle, as the external-provisioner creates it. */
export function putPv(api: FakeKubeApi, volumeHandle: string, options: Partial<PvOptions> & { name?: string } = {}) {
  const { name, ...rest } = options;
  return api.put('persistentvolumes', pv(name ?? volumeHandle, { driver: DRIVER, volumeHandle, ...rest }));
}

export function putAttachedVa(api: FakeKubeApi, pvName: string, nodeName: string, attached = true) {
  return api.put('volumeattachments', volumeAttachment(`csi-${pvName}-${nodeName}`, { attacher: DRIVER, pvName, nodeName, attached }));
}
