import { hostname } from 'node:os';
import { ContainerModule } from 'inversify';
import { CachedAttachmentRepository } from '../../adapters/attachments/cached-attachment-repository.js';
import { KubeClients, KubeClientsToken } from '../../adapters/kubernetes/kube-clients.js';
import { EventSettings, KubeEventRecorder } from '../../adapters/kubernetes/kube-event-recorder.js';
import { DEFAULT_KUBERNETES_SETTINGS, KubernetesSettings } from '../../adapters/kubernetes/kubernetes-settings.js';
import { LeaseLeaderElection, LeaseSettings } from '../../adapters/kubernetes/lease-leader-election.js';
import { PvAttachmentSource } from '../../adapters/kubernetes/pv-attachment-source.js';
import { PvIndex } from '../../adapters/kubernetes/pv-index.js';
import { VolumeAttachmentSource } from '../../adapters/kubernetes/volume-attachment-source.js';
import { LogEventRecorder } from '../../adapters/logging/log-event-recorder.js';
import { InMemoryAttachmentRecords } from '../../adapters/memory/in-memory-attachment-records.js';
import { InMemoryAttachmentSource } from '../../adapters/memory/in-memory-attachment-source.js';
import { InMemoryOrchestratorAttachments } from '../../adapters/memory/in-memory-orchestrator-attachments.js';
import { SoloLeaderElection } from '../../adapters/memory/solo-leader-election.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { EventRecorder } from '../../ports/event-recorder.js';
import { LeaderElection } from '../../ports/leader-election.js';
import { Logger } from '../../ports/logger.js';
import { OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';
import type { Config } from '../config.js';

/**
 * Where attachment records live and where events go, chosen by configuration: PersistentVolume
 * annotations reconciled with VolumeAttachments, or process memory (the embedded default, no
 * Kubernetes). Either way the repository is a cache that follows its store.
 */
export function attachmentStoreModule(config: Config, kubeClients?: KubeClients): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (config.attachmentStore === 'memory') {
      bind(EventRecorder).to(LogEventRecorder).inSingletonScope();
      bind(LeaderElection).to(SoloLeaderElection).inSingletonScope();
      bind(InMemoryAttachmentRecords).toSelf().inSingletonScope();
      bind(InMemoryAttachmentSource).toSelf().inSingletonScope();
      bind(AttachmentRepository)
        .toResolvedValue((source: InMemoryAttachmentSource, logger: Logger) => new CachedAttachmentRepository(source, logger), [InMemoryAttachmentSource, Logger])
        .inSingletonScope();
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
      leaseDurationMs: config.background.leaseDurationMs,
      retryPeriodMs: config.background.retryPeriodMs,
    });
    bind(LeaderElection).to(LeaseLeaderElection).inSingletonScope();
    bind(PvAttachmentSource).toSelf().inSingletonScope();
    bind(AttachmentRepository)
      .toResolvedValue((source: PvAttachmentSource, logger: Logger) => new CachedAttachmentRepository(source, logger), [PvAttachmentSource, Logger])
      .inSingletonScope();
    bind(OrchestratorAttachments).to(VolumeAttachmentSource).inSingletonScope();
  });
}
