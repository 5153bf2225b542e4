import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { FakeKubeApi } from './fake-kube-api/fake-kube-api.js';
import { DRIVER, putAttachedVa, putPv } from './kube-store-harness.js';

/**
 * A cluster as the Go driver (3whiskeywhiskey/rds-csi v0.11.0) leaves it, built from the facts of its
 * source: its StorageClasses (test/fixtures/go-cluster/storageclasses.yaml), the RouterOS commands it
 * sends (pkg/rds/commands.go: unquoted values, whole-unit sizes), the volume context its CreateVolume
 * returns (volumePath = the backing file), the PV annotations its attachment manager writes
 * (attached-node, attached-at in RFC 3339 with microseconds), VolumeAttachments, and
 * VolumeSnapshotContents with the three snapshot-handle shapes found in the wild.
 */

/** Its controller flags, as its Helm chart sets them; its --rds-volume-base-path covered both dirs. */
export const GO = {
  managementAddress: '10.42.241.3',
  storageAddress: '10.42.68.1',
  basePath: '/storage-pool',
  nqnPrefix: 'nqn.2000-02.com.mikrotik:',
} as const;

export interface GoVolume {
  readonly id: string;
  readonly dir: string;
  readonly size: string;
  readonly bytes: number;
  readonly accessModes: readonly string[];
  readonly volumeMode: 'Filesystem' | 'Block';
  readonly attachedTo?: string;
}

export const GO_VOLUMES: readonly GoVolume[] = [
  { id: 'pvc-3f1e9a52-6c0d-4b7e-9f21-0a8b7c6d5e41', dir: '/storage-pool/metal-csi', size: '5G', bytes: 5 * 2 ** 30, accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', attachedTo: 'worker-1' },
  { id: 'pvc-8d2c4b6a-1e3f-4a5b-8c7d-9e0f1a2b3c4d', dir: '/storage-pool/kubernetes-volumes', size: '10G', bytes: 10 * 2 ** 30, accessModes: ['ReadWriteMany'], volumeMode: 'Block', attachedTo: 'worker-2' },
  { id: 'pvc-c0ffee00-1234-4abc-9def-0123456789ab', dir: '/storage-pool/kubernetes-volumes', size: '1G', bytes: 2 ** 30, accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' },
];

export interface GoSnapshot {
  readonly handle: string;
  readonly source: string;
  readonly shape: string;
}

/** One per shape: legacy random, source-uuid with a timestamp, uuid5(name) with its hex prefix. */
export const GO_SNAPSHOTS: readonly GoSnapshot[] = [
  { handle: 'snap-5b7e2d10-4c3a-4f8e-9a6b-1c2d3e4f5a6b', source: GO_VOLUMES[0]!.id, shape: 'snap-<uuid>' },
  { handle: `snap-${GO_VOLUMES[0]!.id.slice(4)}-at-1739800000`, source: GO_VOLUMES[0]!.id, shape: 'snap-<source-uuid>-at-<time>' },
  // uuid5(DNS, "nightly-20260201-020000") as Python's uuid.uuid5 computes it.
  { handle: 'snap-b5f8d3fc-b715-5ff3-bda0-ae0a2ba45121-at-b5f8d3fcb7', source: GO_VOLUMES[2]!.id, shape: 'snap-<uuid5(name)>-at-<hex>' },
];

export const goNqn = (id: string) => `${GO.nqnPrefix}${id.toLowerCase()}`;
export const goFile = (v: GoVolume) => `${v.dir}/${v.id}.img`;

/** The commands the Go driver sent to make this state (CreateVolume, CreateSnapshot). */
export function goRouterOsCommands(): string[] {
  const volumes = GO_VOLUMES.map(
    (v) =>
      `/disk add type=file file-path=${goFile(v)} file-size=${v.size} slot=${v.id} nvme-tcp-export=yes ` +
      `nvme-tcp-server-port=4420 nvme-tcp-server-nqn=${goNqn(v.id)}`,
  );
  const snapshots = GO_SNAPSHOTS.map(
    (s) => `/disk add type=file copy-from=[find slot=${s.source}] file-path=/storage-pool/metal-csi/${s.handle}.img slot=${s.handle}`,
  );
  return [...volumes, ...snapshots];
}

/** The volume context the Go driver's CreateVolume returned for a volume of the README class. */
export function goVolumeContext(v: GoVolume): Record<string, string> {
  return {
    rdsAddress: GO.storageAddress,
    nvmeAddress: GO.storageAddress,
    nvmePort: '4420',
    nqn: goNqn(v.id),
    volumePath: goFile(v),
    ctrlLossTmo: '-1',
    reconnectDelay: '5',
    keepAliveTmo: '0',
    migrationTimeoutSeconds: '300',
  };
}

export const goAttachedAt = '2026-02-05T10:11:12.123456Z';

/** PVs (with the Go annotations where attached), and VolumeAttachments for the attached ones. */
export function putGoCluster(api: FakeKubeApi): void {
  for (const v of GO_VOLUMES) {
    putPv(api, v.id, {
      accessModes: [...v.accessModes],
      volumeMode: v.volumeMode,
      volumeAttributes: goVolumeContext(v),
      annotations: v.attachedTo ? { [`${DRIVER}/attached-node`]: v.attachedTo, [`${DRIVER}/attached-at`]: goAttachedAt } : {},
    });
    if (v.attachedTo) putAttachedVa(api, v.id, v.attachedTo);
  }
}

/** VolumeSnapshotContents as the external-snapshotter keeps them for the Go driver's snapshots. */
export function goSnapshotContents() {
  return GO_SNAPSHOTS.map((s, i) => ({
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotContent',
    metadata: { name: `snapcontent-${i}` },
    spec: { driver: DRIVER, deletionPolicy: 'Delete', source: { snapshotHandle: s.handle }, volumeSnapshotRef: { namespace: 'default', name: `snap-${i}` } },
    status: { snapshotHandle: s.handle, readyToUse: true },
  }));
}

export function goStorageClasses(): Map<string, Record<string, string>> {
  const text = readFileSync(new URL('../fixtures/go-cluster/storageclasses.yaml', import.meta.url), 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJS() as { metadata: { name: string }; parameters: Record<string, string> });
  return new Map(docs.map((d) => [d.metadata.name, d.parameters]));
}
