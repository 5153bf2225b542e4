import { inject, injectable } from 'inversify';
import { CreateSnapshot } from '../../app/use-cases/create-snapshot.js';
import type { SnapshotView } from '../../app/use-cases/create-snapshot.js';
import { DeleteSnapshot } from '../../app/use-cases/delete-snapshot.js';
import { ListSnapshots } from '../../app/use-cases/list-snapshots.js';
import type {
  CreateSnapshotRequest,
  CreateSnapshotResponse,
  DeleteSnapshotRequest,
  DeleteSnapshotResponse,
  ListSnapshotsRequest,
  ListSnapshotsResponse,
  Snapshot,
} from '../../generated/csi/csi.js';
import { maxEntries, requireField } from './csi-mapping.js';
import type { RpcContext } from './unary-rpc.js';

/** CreateSnapshot, DeleteSnapshot, ListSnapshots. */
@injectable()
export class ControllerSnapshotRpcs {
  constructor(
    @inject(CreateSnapshot) private readonly createSnapshot: CreateSnapshot,
    @inject(DeleteSnapshot) private readonly deleteSnapshot: DeleteSnapshot,
    @inject(ListSnapshots) private readonly listSnapshots: ListSnapshots,
  ) {}

  async create(request: CreateSnapshotRequest, { signal }: RpcContext): Promise<CreateSnapshotResponse> {
    const sourceVolumeId = requireField(request.sourceVolumeId, 'source_volume_id');
    const name = requireField(request.name, 'name');
    const view = await this.createSnapshot.execute({ name, sourceVolumeId, parameters: request.parameters, signal });
    return { snapshot: toSnapshot(view) };
  }

  async delete(request: DeleteSnapshotRequest, { signal }: RpcContext): Promise<DeleteSnapshotResponse> {
    await this.deleteSnapshot.execute({ snapshotId: requireField(request.snapshotId, 'snapshot_id'), signal });
    return {};
  }

  async list(request: ListSnapshotsRequest, { signal }: RpcContext): Promise<ListSnapshotsResponse> {
    const page = await this.listSnapshots.execute(
      {
        ...(request.snapshotId ? { snapshotId: request.snapshotId } : {}),
        ...(request.sourceVolumeId ? { sourceVolumeId: request.sourceVolumeId } : {}),
        maxEntries: maxEntries(request.maxEntries),
        startingToken: request.startingToken,
      },
      { signal },
    );
    return { entries: page.entries.map((s) => ({ snapshot: toSnapshot(s) })), nextToken: page.nextToken ?? '' };
  }
}

function toSnapshot(view: SnapshotView): Snapshot {
  return {
    snapshotId: view.snapshotId,
    sourceVolumeId: view.sourceVolumeId,
    sizeBytes: BigInt(view.sizeBytes),
    creationTime: new Date(view.createdAt),
    readyToUse: view.readyToUse,
    groupSnapshotId: '',
  };
}
