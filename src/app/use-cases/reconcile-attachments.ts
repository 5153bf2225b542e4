import { inject, injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import { reconcileAttachments } from '../../domain/attachment-reconciliation.js';
import type { ReportedAttachment } from '../../domain/attachment-reconciliation.js';
import type { VolumeId } from '../../domain/ids.js';
import { AttachmentStore } from '../../ports/attachment-store.js';
import { Clock } from '../../ports/clock.js';
import { LeaderElection } from '../../ports/leader-election.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';
import { AttachmentRegistry } from '../attachments/attachment-registry.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';

/** Attachments younger than this are never cleared: the orchestrator may not have recorded them yet. */
export const RECONCILE_GRACE_MS = 120_000;

/**
 * The leader's periodic pass: re-derives the attachment record from the orchestrator's
 * attachments, so the driver is never stricter than Kubernetes (a node that died and whose
 * VolumeAttachment was removed no longer fences its volumes). Each volume is reconciled under its
 * own lock, like any attach or detach. Followers and passes without an orchestrator view do nothing.
 */
@injectable()
export class ReconcileAttachments {
  constructor(
    @inject(LeaderElection) private readonly leadership: LeaderElection,
    @inject(OrchestratorAttachments) private readonly orchestrator: OrchestratorAttachments,
    @inject(AttachmentStore) private readonly store: AttachmentStore,
    @inject(AttachmentRegistry) private readonly registry: AttachmentRegistry,
    @inject(LockManager) private readonly locks: LockManager,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
    @inject(AttachmentSettings) private readonly settings: AttachmentSettings,
  ) {}

  async execute(): Promise<{ readonly cleared: number; readonly adopted: number } | undefined> {
    if (!this.leadership.isLeader() || !this.registry.isReady()) return undefined;
    const reported = await this.orchestrator.listAttached();
    if (!reported) return undefined;
    const byVolume = new Map<VolumeId, ReportedAttachment[]>();
    for (const r of reported) byVolume.set(r.volumeId, [...(byVolume.get(r.volumeId) ?? []), r]);
    const volumes = new Set<VolumeId>([...this.registry.list().map((s) => s.volumeId), ...byVolume.keys()]);
    let cleared = 0;
    let adopted = 0;
    for (const volumeId of volumes) {
      const changes = await this.locks
        .withVolumeLock(volumeId, () => this.reconcileOne(volumeId, byVolume.get(volumeId) ?? []), { waitMs: this.settings.waitMs })
        .catch((error: unknown) => {
          this.logger.warn('could not reconcile a volume; will retry on the next pass', { volumeId, error });
          return { cleared: 0, adopted: 0 };
        });
      cleared += changes.cleared;
      adopted += changes.adopted;
    }
    if (cleared + adopted > 0) this.logger.info('attachments reconciled with the orchestrator', { cleared, adopted });
    return { cleared, adopted };
  }

  private async reconcileOne(volumeId: VolumeId, reported: ReportedAttachment[]): Promise<{ cleared: number; adopted: number }> {
    const entry = this.registry.get(volumeId);
    const state: AttachmentState = entry?.state ?? { volumeId, nodes: [] };
    const now = this.clock.now();
    const young = state.nodes.filter((n) => now - n.attachedAt < RECONCILE_GRACE_MS && !reported.some((r) => r.nodeId === n.nodeId));
    const backing = [...reported, ...young.map((n) => ({ volumeId, nodeId: n.nodeId, attachedAt: n.attachedAt, accessMode: n.accessMode, volumeMode: n.volumeMode, readonly: n.readonly }))];
    const result = reconcileAttachments(state.nodes.length > 0 ? [state] : [], backing);
    if (!result.changed.has(volumeId)) return { cleared: 0, adopted: 0 };
    const next = result.states.get(volumeId)!;
    const version = await this.store.save(volumeId, next, entry?.version);
    this.registry.set(volumeId, { state: next, version });
    this.logger.info('attachment record corrected from the orchestrator', { volumeId, cleared: result.cleared.map((c) => c.nodeId), adopted: result.adopted.map((a) => a.nodeId) });
    return { cleared: result.cleared.length, adopted: result.adopted.length };
  }
}
