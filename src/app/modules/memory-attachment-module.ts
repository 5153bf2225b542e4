import { ContainerModule } from 'inversify';
import { CachedAttachmentRepository } from '../../adapters/attachments/cached-attachment-repository.js';
import { InMemoryAttachmentRecords } from '../../adapters/memory/in-memory-attachment-records.js';
import { InMemoryAttachmentSource } from '../../adapters/memory/in-memory-attachment-source.js';
import { InMemoryNodeRegistry } from '../../adapters/memory/in-memory-node-registry.js';
import { InMemoryOrchestratorAttachments } from '../../adapters/memory/in-memory-orchestrator-attachments.js';
import { SoloLeaderElection } from '../../adapters/memory/solo-leader-election.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { LeaderElection } from '../../ports/leader-election.js';
import { Logger } from '../../ports/logger.js';
import { NodeRegistry } from '../../ports/node-registry.js';
import { OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';

/** The controller's records in process memory (the embedded default, no Kubernetes): one replica, always leader. */
export function memoryAttachmentModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(LeaderElection).to(SoloLeaderElection).inSingletonScope();
    bind(InMemoryAttachmentRecords).toSelf().inSingletonScope();
    bind(InMemoryAttachmentSource).toSelf().inSingletonScope();
    bind(AttachmentRepository)
      .toResolvedValue((source: InMemoryAttachmentSource, logger: Logger) => new CachedAttachmentRepository(source, logger), [InMemoryAttachmentSource, Logger])
      .inSingletonScope();
    bind(OrchestratorAttachments).to(InMemoryOrchestratorAttachments).inSingletonScope();
    bind(InMemoryNodeRegistry).toSelf().inSingletonScope();
    bind(NodeRegistry).toService(InMemoryNodeRegistry);
  });
}
