import { ContainerModule } from 'inversify';
import { KubeClients, KubeClientsToken } from '../../adapters/kubernetes/kube-clients.js';
import { DEFAULT_KUBERNETES_SETTINGS, KubernetesSettings } from '../../adapters/kubernetes/kubernetes-settings.js';
import { PvAnnotationAttachmentStore } from '../../adapters/kubernetes/pv-annotation-attachment-store.js';
import { PvIndex } from '../../adapters/kubernetes/pv-index.js';
import { VolumeAttachmentSource } from '../../adapters/kubernetes/volume-attachment-source.js';
import { EventSettings, KubeEventRecorder } from '../../adapters/kubernetes/kube-event-recorder.js';
import { LogEventRecorder } from '../../adapters/logging/log-event-recorder.js';
import { EventRecorder } from '../../ports/event-recorder.js';
import { LeaderElection } from '../../ports/leader-election.js';
import { LeaseLeaderElection, LeaseSettings } from '../../adapters/kubernetes/lease-leader-election.js';
import { SoloLeaderElection } from '../../adapters/memory/solo-leader-election.js';
import { hostname } from 'node:os';
import { InMemoryAttachmentStore } from '../../adapters/memory/in-memory-attachment-store.js';
import { InMemoryOrchestratorAttachments } from '../../adapters/memory/in-memory-orchestrator-attachments.js';
import { AttachmentStore } from '../../ports/attachment-store.js';
import { OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';
import type { Config } from '../config.js';

/**
 * Where attachment records live and where events go, chosen by configuration: PersistentVolume annotations reconciled
 * with VolumeAttachments, or process memory (the embedded default, no Kubernetes).
 */
export function attachmentStoreModule(config: Config, kubeClients?: KubeClients): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (config.attachmentStore === 'memory') {
      bind(EventRecorder).to(LogEventRecorder).inSingletonScope();
      bind(LeaderElection).to(SoloLeaderElection).inSingletonScope();
      bind(AttachmentStore).to(InMemoryAttachmentStore).inSingletonScope();
      bind(OrchestratorAttachments).to(InMemoryOrchestratorAttachments).inSingletonScope();
      return;
    }
    bind(KubeClientsToken).toConstantValue(kubeClients ?? KubeClients.fromEnvironment(config.kubeconfig));
    // KubeNodeRegistry (controller module) shares the clients and settings bound here.
    bind(KubernetesSettings).toConstantValue({ driverName: config.driverName, ...DEFAULT_KUBERNETES_SETTINGS });
    bind(PvIndex).toSelf().inSingletonScope();
    bind(EventSettings).toConstantValue({
      component: config.mode === 'node' ? 'rds-csi-node' : config.mode === 'controller' ? 'rds-csi-controller' : 'rds-csi',
      instance: config.nodeId ?? hostname(),
      queueLimit: 256,
    });
    bind(EventRecorder).to(KubeEventRecorder).inSingletonScope();
    bind(LeaseSettings).toConstantValue({
      namespace: config.background.leaseNamespace,
      name: `${config.driverName.replaceAll('.', '-')}-controller`,
      identity: config.background.identity,
      leaseDurationMs: 15_000,
      retryPeriodMs: 2_000,
    });
    bind(LeaderElection).to(LeaseLeaderElection).inSingletonScope();
    bind(AttachmentStore).to(PvAnnotationAttachmentStore).inSingletonScope();
    bind(OrchestratorAttachments).to(VolumeAttachmentSource).inSingletonScope();
  });
}
