import { createHash } from 'node:crypto';
import type { AttachmentState } from '../../domain/attachment.js';
import { NO_RECORD_VERSION } from '../../ports/attachment-repository.js';

/**
 * A content version of a record: equal content gives an equal version, so a write conditional on
 * it holds exactly when the record still says what the decision was made on. No nodes, no record.
 */
export function stateVersion(state: AttachmentState): string {
  if (state.nodes.length === 0) return NO_RECORD_VERSION;
  const canonical = JSON.stringify([
    state.nodes.map((n) => [n.nodeId, n.attachedAt, n.accessMode, n.volumeMode, n.readonly, n.inferred === true]),
    state.dualAttachSince ?? null,
    state.migrationTimeoutMs ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}
