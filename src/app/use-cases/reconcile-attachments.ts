import { inject, injectable } from 'inversify';
import { reconcileRecord, releaseAfterMigrationWindow } from '../../domain/attachment-reconciliation.js';
import type { RecordReconciliation, ReportedAttachment } from '../../domain/attachment-reconciliation.js';
import type { AttachmentState } from '../../domain/attachment.js';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { VolumeId } from '../../domain/ids.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { Clock } from '../../ports/clock.js';
import { LeaderElection } from '../../ports/leader-election.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { OrchestratorAttachments } from '../../ports/orchestrator-attachments.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';

export interface ReconcileSummary {
  readonly cleared: number;
  readonly adopted: number;
  /** Volumes whose record changed after the list was taken: left for the next pass. */
  readonly skipped: number;
}

type Decide = (state: AttachmentState, reported: readonly ReportedAttachment[], listedAt: number) => RecordReconciliation;

/**
 * The leader's passes over the attachment records against the orchestrator's VolumeAttachments, so
 * the driver is never stricter than Kubernetes (a node that died and whose VolumeAttachment was
 * removed no longer fences its volumes). Each pass takes the records' versions, then the list; a
 * volume is corrected only if its record is still at the version it had when the list was taken,
 * by a write conditional on that version, under the volume's lock. A record that changed since is
 * newer than the list and is left to the next pass. Followers and passes without an orchestrator
 * view do nothing.
 */
@injectable()
export class ReconcileAttachments {
  constructor(
    @inject(LeaderElection) private readonly leadership: LeaderElection,
    @inject(OrchestratorAttachments) private readonly orchestrator: OrchestratorAttachments,
    @inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @inject(LockManager) private readonly locks: LockManager,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
    @inject(AttachmentSettings) private readonly settings: AttachmentSettings,
  ) {}

  /** A full pass: stale holders cleared (after the grace), unrecorded attachments adopted. */
  execute(): Promise<ReconcileSummary | undefined> {
    const options = { graceMs: this.settings.reconcileGraceMs, policy: this.settings.policy };
    return this.pass('reconcile', undefined, (state, reported, listedAt) => reconcileRecord(state, reported, { ...options, listedAt }));
  }

  /**
   * Only the volumes given (those past their live-migration window): holders whose
   * VolumeAttachment is gone are released at once.
   */
  releaseOverdue(volumes: readonly VolumeId[]): Promise<ReconcileSummary | undefined> {
    const policy = this.settings.policy;
    return this.pass('migration window', volumes, (state, reported, listedAt) =>
      releaseAfterMigrationWindow(state, reported, { listedAt, now: this.clock.now(), policy }),
    );
  }

  private async pass(kind: string, only: readonly VolumeId[] | undefined, decide: Decide): Promise<ReconcileSummary | undefined> {
    if (!this.leadership.isLeader() || !this.attachments.isReady()) return undefined;
    const before = new Map(this.attachments.list().map((r) => [r.state.volumeId, r.version] as const));
    const listedAt = this.clock.now();
    const reported = await this.orchestrator.listAttachments();
    if (!reported) return undefined;
    const byVolume = new Map<VolumeId, ReportedAttachment[]>();
    for (const r of reported) byVolume.set(r.volumeId, [...(byVolume.get(r.volumeId) ?? []), r]);
    const volumes = only ?? [...new Set<VolumeId>([...before.keys(), ...byVolume.keys()])];
    const summary = { cleared: 0, adopted: 0, skipped: 0 };
    for (const volumeId of volumes) {
      const work = () => this.correct(volumeId, before.get(volumeId), byVolume.get(volumeId) ?? [], listedAt, decide);
      const outcome = await this.locks.withVolumeLock(volumeId, work, { waitMs: this.settings.waitMs }).catch((error: unknown) => {
        this.logger.warn(`could not check a volume in the ${kind} pass; will retry on the next one`, { volumeId, error });
        return 'skipped' as const;
      });
      if (outcome === 'skipped') summary.skipped += 1;
      else if (outcome) {
        summary.cleared += outcome.cleared.length;
        summary.adopted += outcome.adopted.length;
      }
    }
    if (summary.cleared + summary.adopted > 0) this.logger.info(`attachments corrected in the ${kind} pass`, summary);
    this.logger.debug(`${kind} pass finished`, { ...summary, listedAt: new Date(listedAt).toISOString(), volumes: volumes.length });
    return summary;
  }

  private async correct(
    volumeId: VolumeId,
    versionAtListing: string | undefined,
    reported: readonly ReportedAttachment[],
    listedAt: number,
    decide: Decide,
  ): Promise<RecordReconciliation | 'skipped' | undefined> {
    const record = await this.attachments.load(volumeId);
    const unchanged = versionAtListing === undefined ? record.state.nodes.length === 0 : record.version === versionAtListing;
    if (!unchanged) return 'skipped';
    const result = decide(record.state, reported, listedAt);
    if (result.conflicting.length > 0) {
      this.logger.warn('a VolumeAttachment says attached where the record holds another node; the record fences', {
        volumeId,
        reported: result.conflicting,
        holders: record.state.nodes.map((n) => n.nodeId),
      });
    }
    if (!result.changed) return undefined;
    try {
      await this.attachments.save(volumeId, result.state, versionAtListing ?? record.version);
    } catch (error) {
      if (error instanceof ConcurrentModificationError) return 'skipped';
      throw error;
    }
    this.logger.info('attachment record corrected from the orchestrator', { volumeId, cleared: result.cleared, adopted: result.adopted });
    return result;
  }
}
