import { ContainerModule } from 'inversify';
import { CachedAttachmentRepository } from '../../adapters/attachments/cached-attachment-repository.js';
import { VolumeClaims } from '../../adapters/kubernetes/kube-event-recorder.js';
import { KubeNodeRegistry } from '../../adapters/kubernetes/kube-node-registry.js';
import { DEFAULT_KUBERNETES_SETTINGS, KubernetesSettings } from '../../adapters/kubernetes/kubernetes-settings.js';
import { LeaseLeaderElection, LeaseSettings } from '../../adapters/kubernetes/lease-leader-election.js';
import { PvAttachmentSource } from '../../adapters/kubernetes/pv-attachment-source.js';
import { PvIndex } from '../../adapters/kubernetes/pv-index.js';
import { VolumeAttachmentSource } from '../../adapters/kubernetes/volume-attachment-source.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { LeaderElection } from '../../ports/leader-election.js';
import { Logger } from '../../ports/logger.js';
import { NodeRegistry } from '../../ports/node-registry.js';
import { OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';
import type { Config } from '../config.js';

/**
 * The controller's records in Kubernetes: attachment records in PersistentVolume annotations
 * (followed by the PV index), reconciled with VolumeAttachments; nodes from CSINodes; leadership on
 * a Lease. The API clients are bound by the events module.
 */
export function kubeAttachmentModule(config: Config): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KubernetesSettings).toConstantValue({ driverName: config.driverName, ...DEFAULT_KUBERNETES_SETTINGS });
    bind(PvIndex).toSelf().inSingletonScope();
    bind(VolumeClaims).toService(PvIndex);
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
    bind(NodeRegistry).to(KubeNodeRegistry).inSingletonScope();
  });
}
