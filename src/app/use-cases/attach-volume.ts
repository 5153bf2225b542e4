import { inject, injectable } from 'inversify';
import type { AccessMode, VolumeMode } from '../../domain/access-mode.js';
import { Attachment } from '../../domain/attachment.js';
import type { AttachmentState, AttachOutcome } from '../../domain/attachment.js';
import { ConcurrentModificationError } from '../../domain/errors.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { AttachmentStore } from '../../ports/attachment-store.js';
import { Clock } from '../../ports/clock.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { AttachmentRegistry } from '../attachments/attachment-registry.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';
import { awaitReady } from '../attachments/await-ready.js';

export interface AttachVolumeCommand {
  readonly volumeId: VolumeId;
  readonly nodeId: NodeId;
  readonly accessMode: AccessMode;
  readonly volumeMode: VolumeMode;
  readonly readonly: boolean;
  readonly signal?: AbortSignal;
  /** Checks run under the volume's lock before deciding (e.g. that the volume and node exist). */
  readonly verify?: () => Promise<void>;
}

export interface AttachVolumeResult {
  readonly outcome: AttachOutcome;
  readonly state: AttachmentState;
}

/**
 * Records that a node holds a volume, applying the fencing rules, under the volume's lock.
 * The in-memory change is made first (so concurrent attaches of other volumes see it for per-node
 * limits) and persisted next; if persisting fails the change is rolled back and the error returned.
 * An idempotent repeat writes nothing.
 */
@injectable()
export class AttachVolume {
  constructor(
    @inject(LockManager) private readonly locks: LockManager,
    @inject(AttachmentStore) private readonly store: AttachmentStore,
    @inject(AttachmentRegistry) private readonly registry: AttachmentRegistry,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
    @inject(AttachmentSettings) private readonly settings: AttachmentSettings,
  ) {}

  async execute(command: AttachVolumeCommand): Promise<AttachVolumeResult> {
    await awaitReady(this.registry, this.settings.waitMs);
    return this.locks.withVolumeLock(command.volumeId, () => this.attachLocked(command), {
      signal: command.signal,
    });
  }

  private async attachLocked(command: AttachVolumeCommand): Promise<AttachVolumeResult> {
    const { volumeId, nodeId } = command;
    await command.verify?.();
    const previous = this.registry.get(volumeId);
    const attachment = previous ? Attachment.restore(previous.state) : Attachment.empty(volumeId);
    const now = this.clock.now();
    const outcome = attachment.attach(
      command,
      { now, volumesOnNode: this.registry.countOnNode(nodeId, volumeId) },
      this.settings.policy,
    );
    const state = attachment.toState();
    if (previous && JSON.stringify(previous.state) === JSON.stringify(state)) {
      this.warnIfOverdue(attachment, now);
      return { outcome, state };
    }
    this.registry.set(volumeId, { state, version: previous?.version });
    try {
      const version = await this.store.save(volumeId, state, previous?.version);
      this.registry.set(volumeId, { state, version });
    } catch (error) {
      this.registry.set(volumeId, previous);
      if (error instanceof ConcurrentModificationError) await this.refresh(volumeId);
      throw error;
    }
    if (outcome === 'attached') {
      this.logger.info('volume attached', { volumeId, nodeId, nodes: state.nodes.map((n) => n.nodeId) });
    }
    this.warnIfOverdue(attachment, now);
    return { outcome, state };
  }

  /** After losing a race with another writer, take the stored record as the truth for the retry. */
  private async refresh(volumeId: VolumeId): Promise<void> {
    try {
      const stored = await this.store.load(volumeId);
      this.registry.set(volumeId, stored ? { state: stored.state, version: stored.version } : undefined);
    } catch (error) {
      this.logger.warn('could not re-read attachment record after a conflict', { volumeId, error });
    }
  }

  private warnIfOverdue(attachment: Attachment, now: number): void {
    if (!attachment.isDualAttachOverdue(now, this.settings.policy)) return;
    this.logger.warn('volume has been attached to two nodes longer than the live-migration timeout', {
      volumeId: attachment.volumeId,
      nodes: attachment.nodes.map((n) => n.nodeId),
      since: new Date(attachment.dualAttachSince!).toISOString(),
      timeoutMs: this.settings.policy.dualAttachTimeoutMs,
    });
  }
}
