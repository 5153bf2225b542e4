import { CachedAttachmentRepository } from '../../src/adapters/attachments/cached-attachment-repository.js';
import type { AttachmentRecordSource } from '../../src/adapters/attachments/attachment-record-source.js';
import { KeyedMutexLockManager } from '../../src/adapters/locking/keyed-mutex-lock-manager.js';
import { InMemoryAttachmentRecords } from '../../src/adapters/memory/in-memory-attachment-records.js';
import { InMemoryAttachmentSource } from '../../src/adapters/memory/in-memory-attachment-source.js';
import { InMemoryNodeRegistry } from '../../src/adapters/memory/in-memory-node-registry.js';
import { InMemoryOrchestratorAttachments } from '../../src/adapters/memory/in-memory-orchestrator-attachments.js';
import { InMemoryStorageBackend } from '../../src/adapters/memory/in-memory-storage-backend.js';
import { RecordingEventRecorder } from '../../src/adapters/memory/recording-event-recorder.js';
import { RecordingMetrics } from '../../src/adapters/memory/recording-metrics.js';
import { SoloLeaderElection } from '../../src/adapters/memory/solo-leader-election.js';
import { ManualClock } from '../../src/adapters/time/manual-clock.js';
import type { AttachmentSettings } from '../../src/app/attachments/attachment-settings.js';
import { CreateSnapshot } from '../../src/app/use-cases/create-snapshot.js';
import { CreateVolume } from '../../src/app/use-cases/create-volume.js';
import { DeleteSnapshot } from '../../src/app/use-cases/delete-snapshot.js';
import { DeleteVolume } from '../../src/app/use-cases/delete-volume.js';
import { EnforceMigrationWindows } from '../../src/app/use-cases/enforce-migration-windows.js';
import { ExpandVolume } from '../../src/app/use-cases/expand-volume.js';
import { GetCapacity } from '../../src/app/use-cases/get-capacity.js';
import { InspectVolumes } from '../../src/app/use-cases/inspect-volumes.js';
import { ListSnapshots } from '../../src/app/use-cases/list-snapshots.js';
import { ProbeReadiness } from '../../src/app/use-cases/probe-readiness.js';
import { PublishVolume } from '../../src/app/use-cases/publish-volume.js';
import { ReconcileAttachments } from '../../src/app/use-cases/reconcile-attachments.js';
import { UnpublishVolume } from '../../src/app/use-cases/unpublish-volume.js';
import type { ControllerSettings } from '../../src/app/volumes/controller-settings.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../src/domain/attachment.js';
import type { AttachmentPolicy } from '../../src/domain/attachment.js';
import { DEFAULT_CAPACITY_POLICY } from '../../src/domain/capacity-range.js';
import { GiB } from '../../src/domain/size.js';
import { parseBasePath } from '../../src/domain/storage-path.js';
import { parseNqn } from '../../src/domain/nqn.js';
import type { AttachmentRepository } from '../../src/ports/attachment-repository.js';
import type { LeaderElection } from '../../src/ports/leader-election.js';
import type { OrchestratorAttachments } from '../../src/ports/orchestrator-attachments.js';
import type { StorageBackend } from '../../src/ports/storage-backend.js';
import { node, vol } from './mothers.js';
import { RecordingLogger } from './recording-logger.js';

export const TEST_SETTINGS: ControllerSettings = {
  rdsAddress: '10.0.0.1',
  defaults: { basePath: parseBasePath('/storage-pool/csi'), nvmeAddress: '10.0.0.2', nvmePort: 4420 },
  capacity: DEFAULT_CAPACITY_POLICY,
  probeCacheMs: 0,
};

export interface ControllerHarnessOptions {
  /** The store replicas share; a fresh one by default. Ignored when `repository` or `source` is given. */
  readonly records?: InMemoryAttachmentRecords;
  /** How this replica reaches the records; an in-memory source over `records` by default. */
  readonly source?: AttachmentRecordSource;
  readonly repository?: AttachmentRepository;
  readonly backend?: StorageBackend;
  readonly nodes?: InMemoryNodeRegistry;
  readonly orchestrator?: OrchestratorAttachments;
  readonly leadership?: LeaderElection;
  readonly clock?: ManualClock;
  readonly policy?: Partial<AttachmentPolicy>;
  readonly waitMs?: number;
  readonly writeTries?: number;
  readonly graceMs?: number;
  /** The controller's settings; TEST_SETTINGS by default. */
  readonly settings?: ControllerSettings;
  /** Load the records before returning (default true). */
  readonly sync?: boolean;
}

/**
 * One controller replica's use cases wired by hand: real code, fakes only at the edges (the
 * attachment store, the RDS, the orchestrator). Replicas built over the same `records`, `backend`
 * and `nodes` behave like two controller processes sharing a cluster.
 */
export async function controllerHarness(options: ControllerHarnessOptions = {}) {
  const settings: AttachmentSettings = {
    policy: { ...DEFAULT_ATTACHMENT_POLICY, ...options.policy },
    waitMs: options.waitMs ?? 10_000,
    writeTries: options.writeTries ?? 6,
    reconcileGraceMs: options.graceMs ?? 120_000,
  };
  const records = options.records ?? new InMemoryAttachmentRecords();
  const logger = new RecordingLogger();
  const repository = options.repository ?? new CachedAttachmentRepository(options.source ?? new InMemoryAttachmentSource(records), logger);
  const backend = options.backend ?? new InMemoryStorageBackend(64 * GiB);
  const nodes = options.nodes ?? new InMemoryNodeRegistry();
  const orchestrator = options.orchestrator ?? new InMemoryOrchestratorAttachments();
  const leadership = options.leadership ?? new SoloLeaderElection();
  const clock = options.clock ?? new ManualClock();
  const locks = new KeyedMutexLockManager({ waitMs: settings.waitMs });
  const events = new RecordingEventRecorder();
  const metrics = new RecordingMetrics();
  const s = options.settings ?? TEST_SETTINGS;
  if (options.sync !== false) await repository.sync();
  const reconcile = new ReconcileAttachments(leadership, orchestrator, repository, locks, clock, logger, settings);
  return {
    records,
    repository,
    backend,
    nodes,
    orchestrator,
    clock,
    locks,
    logger,
    events,
    metrics,
    settings,
    controllerSettings: s,
    createVolume: new CreateVolume(locks, backend, s, logger, events),
    deleteVolume: new DeleteVolume(locks, backend, repository, s, logger),
    publish: new PublishVolume(locks, repository, backend, nodes, clock, logger, settings, s),
    unpublish: new UnpublishVolume(locks, repository, logger, settings),
    reconcile,
    migrations: new EnforceMigrationWindows(leadership, repository, reconcile, events, metrics, clock, logger, settings),
    inspect: new InspectVolumes(backend, repository, s, settings, clock),
    capacity: new GetCapacity(backend, s),
    expand: new ExpandVolume(locks, backend, s, logger),
    createSnapshot: new CreateSnapshot(locks, backend, s, clock, logger),
    deleteSnapshot: new DeleteSnapshot(locks, backend, logger),
    listSnapshots: new ListSnapshots(backend, s),
    probe: new ProbeReadiness(backend, repository, s, clock),
  };
}
export type ControllerHarness = Awaited<ReturnType<typeof controllerHarness>>;

/** Creates exported volumes on the backend and registers nodes, as a cluster would have them. */
export async function seed(h: ControllerHarness, volumes: readonly string[], nodeIds: readonly string[] = []): Promise<void> {
  for (const id of volumes) {
    if (await h.backend.getVolume(vol(id))) continue;
    await h.backend.createVolume({
      id: vol(id),
      sizeBytes: GiB,
      basePath: TEST_SETTINGS.defaults.basePath,
      nvme: { port: 4420, nqn: parseNqn(`nqn.2000-02.com.mikrotik:${id}`) },
    });
  }
  for (const id of nodeIds) h.nodes.register(node(id));
}

/** A replica that never leads: it serves CSI calls but runs no background work. */
export const FOLLOWER: LeaderElection = { isLeader: () => false, start() {}, async stop() {} };

/**
 * Two controller replicas sharing one cluster: the attachment records, the RDS, the registered
 * nodes, the orchestrator and the clock. The first leads (unless `leadership` says otherwise), the
 * second follows; `sources` gives each its own connection to the records.
 */
export async function replicaPair(
  options: Pick<ControllerHarnessOptions, 'orchestrator' | 'leadership' | 'graceMs'> & {
    readonly sources?: (records: InMemoryAttachmentRecords) => readonly [AttachmentRecordSource, AttachmentRecordSource];
  } = {},
) {
  const records = new InMemoryAttachmentRecords();
  const [sourceA, sourceB] = options.sources?.(records) ?? [undefined, undefined];
  const shared = {
    records,
    backend: new InMemoryStorageBackend(64 * GiB),
    nodes: new InMemoryNodeRegistry(),
    clock: new ManualClock(),
    orchestrator: options.orchestrator ?? new InMemoryOrchestratorAttachments(),
    ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
  };
  const leader = await controllerHarness({ ...shared, ...(sourceA ? { source: sourceA } : {}), ...(options.leadership ? { leadership: options.leadership } : {}) });
  const follower = await controllerHarness({ ...shared, ...(sourceB ? { source: sourceB } : {}), leadership: FOLLOWER });
  const holders = (id: string) => records.read(vol(id)).state.nodes.map((n) => n.nodeId as string);
  return { ...shared, leader, follower, holders };
}
