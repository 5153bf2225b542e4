import { KeyedMutexLockManager } from '../../src/adapters/locking/keyed-mutex-lock-manager.js';
import { InMemoryOrchestratorAttachments } from '../../src/adapters/memory/in-memory-orchestrator-attachments.js';
import { SoloLeaderElection } from '../../src/adapters/memory/solo-leader-election.js';
import { ManualClock } from '../../src/adapters/time/manual-clock.js';
import type { LeaderElection } from '../../src/ports/leader-election.js';
import { AttachmentRegistry } from '../../src/app/attachments/attachment-registry.js';
import type { AttachmentSettings } from '../../src/app/attachments/attachment-settings.js';
import { AttachVolume } from '../../src/app/use-cases/attach-volume.js';
import { DetachVolume } from '../../src/app/use-cases/detach-volume.js';
import { QueryAttachments } from '../../src/app/use-cases/query-attachments.js';
import { RebuildAttachments } from '../../src/app/use-cases/rebuild-attachments.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../src/domain/attachment.js';
import type { AttachmentPolicy } from '../../src/domain/attachment.js';
import type { AttachmentStore } from '../../src/ports/attachment-store.js';
import type { OrchestratorAttachments } from '../../src/ports/orchestrator-attachments.js';
import { RecordingLogger } from './recording-logger.js';

/** The attachment use cases wired by hand around a given store: real code, fakes only at the edges. */
export function attachmentHarness(
  store: AttachmentStore,
  options: { policy?: Partial<AttachmentPolicy>; waitMs?: number; orchestrator?: OrchestratorAttachments; leadership?: LeaderElection } = {},
) {
  const settings: AttachmentSettings = {
    policy: { ...DEFAULT_ATTACHMENT_POLICY, ...options.policy },
    waitMs: options.waitMs ?? 10_000,
    rebuildConcurrency: 16,
  };
  const locks = new KeyedMutexLockManager({ waitMs: settings.waitMs });
  const registry = new AttachmentRegistry();
  const clock = new ManualClock();
  const logger = new RecordingLogger();
  const orchestrator = options.orchestrator ?? new InMemoryOrchestratorAttachments();
  return {
    store,
    locks,
    registry,
    clock,
    logger,
    orchestrator,
    attach: new AttachVolume(locks, store, registry, clock, logger, settings),
    detach: new DetachVolume(locks, store, registry, logger, settings),
    query: new QueryAttachments(registry),
    rebuild: new RebuildAttachments(store, orchestrator, registry, logger, settings, options.leadership ?? new SoloLeaderElection()),
  };
}
