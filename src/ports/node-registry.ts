import type { ServiceIdentifier } from 'inversify';
import type { NodeId } from '../domain/ids.js';

/**
 * Which node IDs belong to real nodes running this driver's node plugin, so the controller can answer
 * NOT_FOUND for an unknown node while accepting the ID NodeGetInfo reports.
 * - `exists` is read-only and safe to call concurrently. It may answer from a cache that follows the
 *   source of truth; an ID the cache lacks is looked up at the source before it is called unknown.
 * - Throws BackendUnavailableError when the source of truth cannot be reached.
 */
export interface NodeRegistry {
  exists(nodeId: NodeId): Promise<boolean>;
  /** Stops following the source of truth, if the registry follows one. */
  close(): void;
}
export const NodeRegistry = Symbol.for('rds-csi.NodeRegistry') as ServiceIdentifier<NodeRegistry>;
