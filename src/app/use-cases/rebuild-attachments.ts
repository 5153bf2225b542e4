import { inject, injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import { reconcileAttachments } from '../../domain/attachment-reconciliation.js';
import type { ReconciliationResult } from '../../domain/attachment-reconciliation.js';
import type { VolumeId } from '../../domain/ids.js';
import { AttachmentStore } from '../../ports/attachment-store.js';
import { LeaderElection } from '../../ports/leader-election.js';
import { Logger } from '../../ports/logger.js';
import { OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';
import type { OrchestratorAttachment } from '../../ports/orchestrator-attachments.js';
import { AttachmentRegistry } from '../attachments/attachment-registry.js';
import type { RegistryEntry } from '../attachments/attachment-registry.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';

export interface RebuildSummary {
  readonly recovered: number;
  readonly cleared: number;
  readonly adopted: number;
  readonly reconciled: boolean;
}

/**
 * Rebuilds the attachment state after a start: reads every record from the store, reconciles it
 * with what the orchestrator reports attached (when it can say), writes the differences back (the
 * leader only), and only then lets attach and detach requests through. A failed write-back is logged and the
 * reconciled state kept in memory: the orchestrator is the truth either way.
 */
@injectable()
export class RebuildAttachments {
  constructor(
    @inject(AttachmentStore) private readonly store: AttachmentStore,
    @inject(OrchestratorAttachments) private readonly orchestrator: OrchestratorAttachments,
    @inject(AttachmentRegistry) private readonly registry: AttachmentRegistry,
    @inject(Logger) private readonly logger: Logger,
    @inject(AttachmentSettings) private readonly settings: AttachmentSettings,
    @inject(LeaderElection) private readonly leadership: LeaderElection,
  ) {}

  async execute(): Promise<RebuildSummary> {
    const records = await this.store.list();
    const versions = new Map(records.map((r) => [r.state.volumeId, r.version] as const));
    const reported = await this.reportedAttachments();
    const result = reconcileAttachments(
      records.map((r) => r.state),
      reported ?? records.flatMap((r) => asReported(r.state)),
    );
    const entries = new Map<VolumeId, RegistryEntry>();
    for (const [volumeId, state] of result.states) entries.set(volumeId, { state, version: versions.get(volumeId) });
    // Only the leader writes corrections, so two replicas never act twice; a follower keeps them in memory.
    if (this.leadership.isLeader()) await this.writeBack(result, entries);
    this.registry.replaceAll(entries);
    this.registry.markReady();
    const summary = {
      recovered: records.length,
      cleared: result.cleared.length,
      adopted: result.adopted.length,
      reconciled: reported !== undefined,
    };
    this.logger.info('attachment state rebuilt', {
      ...summary,
      attachedVolumes: this.registry.list().length,
      clearedAttachments: result.cleared.slice(0, 50),
      adoptedAttachments: result.adopted.slice(0, 50),
    });
    return summary;
  }

  private async reportedAttachments(): Promise<OrchestratorAttachment[] | undefined> {
    try {
      const reported = await this.orchestrator.listAttached();
      if (reported === undefined) this.logger.info('no orchestrator view of attachments; kept the stored record');
      return reported;
    } catch (error) {
      this.logger.warn('could not list orchestrator attachments; kept the stored record unreconciled', { error });
      return undefined;
    }
  }

  private async writeBack(result: ReconciliationResult, entries: Map<VolumeId, RegistryEntry>): Promise<void> {
    const queue = [...result.changed];
    const worker = async () => {
      for (let volumeId = queue.pop(); volumeId !== undefined; volumeId = queue.pop()) {
        const entry = entries.get(volumeId)!;
        try {
          const version = await this.store.save(volumeId, entry.state, entry.version);
          entries.set(volumeId, { state: entry.state, version });
        } catch (error) {
          this.logger.warn('could not write reconciled attachment record; using it in memory', { volumeId, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.settings.rebuildConcurrency) }, worker));
  }
}

/** Without an orchestrator view, every recorded attachment counts as backed: nothing is cleared. */
function asReported(state: AttachmentState): OrchestratorAttachment[] {
  return state.nodes.map((n) => ({
    volumeId: state.volumeId,
    nodeId: n.nodeId,
    attachedAt: n.attachedAt,
    accessMode: n.accessMode,
    volumeMode: n.volumeMode,
    readonly: n.readonly,
  }));
}
