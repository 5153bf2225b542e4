import type { ServiceIdentifier } from 'inversify';
import type { NodeId } from '../../domain/ids.js';
import type { FsType } from '../../ports/filesystems.js';

export interface NodeSettings {
  readonly nodeId: NodeId;
  /** Reported by NodeGetInfo; undefined lets Kubernetes decide. */
  readonly maxVolumesPerNode?: number;
  /** File system for a mount volume whose capability names none. */
  readonly defaultFsType: FsType;
}
export const NodeSettings = Symbol.for('rds-csi.NodeSettings') as ServiceIdentifier<NodeSettings>;
