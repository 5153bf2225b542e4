import { inject, injectable } from 'inversify';
import { Attachment } from '../../domain/attachment.js';
import type { VolumeId } from '../../domain/ids.js';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { Clock } from '../../ports/clock.js';
import { EventRecorder } from '../../ports/event-recorder.js';
import { LeaderElection } from '../../ports/leader-election.js';
import { Logger } from '../../ports/logger.js';
import { Metrics } from '../../ports/metrics.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';
import { ReconcileAttachments } from './reconcile-attachments.js';

/**
 * The leader's watch over live-migration windows. A volume held by two nodes for longer than its
 * window (its StorageClass's migrationTimeoutSeconds, else the configured default) is reported
 * once per window: a warning log, a MigrationTimedOut event on its claim and a metric. While it
 * stays overdue, every check releases a holder whose VolumeAttachment is gone. Nothing is forced
 * off a node Kubernetes still attaches: the window is a bound on silence, not a kill switch.
 */
@injectable()
export class EnforceMigrationWindows {
  /** Overdue volumes already reported, with the dual attachment's start, so each window counts once. */
  private readonly reported = new Map<VolumeId, number>();

  constructor(
    @inject(LeaderElection) private readonly leadership: LeaderElection,
    @inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @inject(ReconcileAttachments) private readonly reconcile: ReconcileAttachments,
    @inject(EventRecorder) private readonly events: EventRecorder,
    @inject(Metrics) private readonly metrics: Metrics,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
    @inject(AttachmentSettings) private readonly settings: AttachmentSettings,
  ) {}

  /** One check; returns the volumes found overdue (none when not leading). */
  async execute(): Promise<VolumeId[]> {
    if (!this.leadership.isLeader() || !this.attachments.isReady()) return [];
    const now = this.clock.now();
    const policy = this.settings.policy;
    const overdue = this.attachments
      .list()
      .map((r) => Attachment.restore(r.state))
      .filter((a) => a.isDualAttachOverdue(now, policy));
    const ids = new Set(overdue.map((a) => a.volumeId));
    for (const id of [...this.reported.keys()]) if (!ids.has(id)) this.reported.delete(id);
    for (const attachment of overdue) this.report(attachment);
    if (overdue.length > 0) await this.reconcile.releaseOverdue([...ids]);
    return [...ids];
  }

  private report(attachment: Attachment): void {
    const since = attachment.dualAttachSince!;
    if (this.reported.get(attachment.volumeId) === since) return;
    this.reported.set(attachment.volumeId, since);
    const windowS = Math.round((attachment.migrationDeadline(this.settings.policy)! - since) / 1000);
    const nodes = attachment.holders();
    const message =
      `volume ${attachment.volumeId} has been attached to nodes ${nodes.join(' and ')} since ${new Date(since).toISOString()}, ` +
      `longer than its live-migration window of ${windowS} s; a node is released as soon as its VolumeAttachment is gone. ` +
      'Check the VirtualMachineInstanceMigration that started it.';
    this.metrics.migrationTimedOut();
    this.events.record({ volumeId: attachment.volumeId, type: 'Warning', reason: 'MigrationTimedOut', message });
    this.logger.warn('live migration outlived its window', { volumeId: attachment.volumeId, nodes, since: new Date(since).toISOString(), windowSeconds: windowS });
  }
}
