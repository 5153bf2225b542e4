import { InMemoryNodeRegistry } from '../../src/adapters/memory/in-memory-node-registry.js';
import { InMemoryStorageBackend } from '../../src/adapters/memory/in-memory-storage-backend.js';
import { InMemoryAttachmentStore } from '../../src/adapters/memory/in-memory-attachment-store.js';
import type { ControllerSettings } from '../../src/app/volumes/controller-settings.js';
import { CreateSnapshot } from '../../src/app/use-cases/create-snapshot.js';
import { CreateVolume } from '../../src/app/use-cases/create-volume.js';
import { DeleteSnapshot } from '../../src/app/use-cases/delete-snapshot.js';
import { DeleteVolume } from '../../src/app/use-cases/delete-volume.js';
import { ExpandVolume } from '../../src/app/use-cases/expand-volume.js';
import { GetCapacity } from '../../src/app/use-cases/get-capacity.js';
import { InspectVolumes } from '../../src/app/use-cases/inspect-volumes.js';
import { ListSnapshots } from '../../src/app/use-cases/list-snapshots.js';
import { ProbeReadiness } from '../../src/app/use-cases/probe-readiness.js';
import { PublishVolume } from '../../src/app/use-cases/publish-volume.js';
import { UnpublishVolume } from '../../src/app/use-cases/unpublish-volume.js';
import { DEFAULT_CAPACITY_POLICY } from '../../src/domain/capacity-range.js';
import { parseBasePath } from '../../src/domain/storage-path.js';
import type { StorageBackend } from '../../src/ports/storage-backend.js';
import { attachmentHarness } from './attachment-harness.js';

export const TEST_SETTINGS: ControllerSettings = {
  rdsAddress: '10.0.0.1',
  defaults: { basePath: parseBasePath('/storage-pool/csi'), nvmeAddress: '10.0.0.2', nvmePort: 4420 },
  capacity: DEFAULT_CAPACITY_POLICY,
  probeCacheMs: 0,
};

/** The controller use cases wired by hand over a storage backend (the in-memory one by default). */
export function controllerHarness(backend: StorageBackend = new InMemoryStorageBackend()) {
  const a = attachmentHarness(new InMemoryAttachmentStore());
  const nodes = new InMemoryNodeRegistry();
  const s = TEST_SETTINGS;
  const attachmentSettings = { policy: { maxMultiWriterNodes: 2, dualAttachTimeoutMs: 300_000 }, waitMs: 10_000, rebuildConcurrency: 4 };
  return {
    ...a,
    backend,
    nodes,
    settings: s,
    createVolume: new CreateVolume(a.locks, backend, s, a.logger),
    deleteVolume: new DeleteVolume(a.locks, backend, a.registry, s, a.logger),
    publish: new PublishVolume(a.attach, backend, nodes, s),
    unpublish: new UnpublishVolume(a.detach),
    inspect: new InspectVolumes(backend, a.registry, s, attachmentSettings, a.clock),
    capacity: new GetCapacity(backend, s),
    expand: new ExpandVolume(a.locks, backend, s, a.logger),
    createSnapshot: new CreateSnapshot(a.locks, backend, s, a.clock, a.logger),
    deleteSnapshot: new DeleteSnapshot(a.locks, backend, a.logger),
    listSnapshots: new ListSnapshots(backend, s),
    probe: new ProbeReadiness(backend, a.registry, s, a.clock),
  };
}
