import { inject, injectable } from 'inversify';
import type { AttachmentState } from '../../domain/attachment.js';
import type { NodeId, VolumeId } from '../../domain/ids.js';
import { AttachmentRegistry } from '../attachments/attachment-registry.js';

/** Read-only views of the attachment state, answered from memory without locks or I/O. */
@injectable()
export class QueryAttachments {
  constructor(@inject(AttachmentRegistry) private readonly registry: AttachmentRegistry) {}

  /** The volume's attachment, or undefined when no node holds it. Returns a copy. */
  get(volumeId: VolumeId): AttachmentState | undefined {
    const entry = this.registry.get(volumeId);
    return entry && entry.state.nodes.length > 0 ? structuredClone(entry.state) : undefined;
  }

  /** Every attached volume, as copies; changing them changes nothing. */
  list(): AttachmentState[] {
    return structuredClone(this.registry.list());
  }

  /** Number of attached volumes, without copying anything. */
  count(): number {
    return this.registry.list().length;
  }

  nodesOf(volumeId: VolumeId): NodeId[] {
    return this.registry.get(volumeId)?.state.nodes.map((n) => n.nodeId) ?? [];
  }

  isReady(): boolean {
    return this.registry.isReady();
  }
}
