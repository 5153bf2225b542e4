/** Realistic objects for tests, shaped like what a cluster with the rds-csi driver holds. */

export interface PvOptions {
  driver: string;
  volumeHandle: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  accessModes?: string[];
  volumeMode?: 'Filesystem' | 'Block';
  capacity?: string;
  /** Defaults to a claim `default/claim-<name>` (phase Bound); null leaves the PV unbound (phase Available). */
  claimRef?: { namespace: string; name: string; uid?: string } | null;
  /** E.g. ['kubernetes.io/pv-protection'] as in a real cluster: a DELETE then only sets deletionTimestamp. */
  finalizers?: string[];
  volumeAttributes?: Record<string, string>;
  fsType?: string;
}

export function pv(name: string, o: PvOptions) {
  const claim = o.claimRef === undefined ? { namespace: 'default', name: `claim-${name}` } : o.claimRef;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      annotations: { 'pv.kubernetes.io/provisioned-by': o.driver, ...o.annotations },
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
    },
    spec: {
      capacity: { storage: o.capacity ?? '1Gi' },
      accessModes: o.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'rds-nvme',
      volumeMode: o.volumeMode ?? 'Filesystem',
      csi: {
        driver: o.driver,
        volumeHandle: o.volumeHandle,
        ...(o.fsType ? { fsType: o.fsType } : {}),
        volumeAttributes: o.volumeAttributes ?? {},
      },
      ...(claim
        ? {
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              namespace: claim.namespace,
              name: claim.name,
              ...(claim.uid ? { uid: claim.uid } : {}),
            },
          }
        : {}),
    },
    status: { phase: claim ? 'Bound' : 'Available' },
  };
}

export interface VolumeAttachmentOptions {
  attacher: string;
  pvName: string;
  nodeName: string;
  attached?: boolean;
  attachmentMetadata?: Record<string, string>;
}

export function volumeAttachment(name: string, o: VolumeAttachmentOptions) {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'VolumeAttachment',
    metadata: { name },
    spec: { attacher: o.attacher, nodeName: o.nodeName, source: { persistentVolumeName: o.pvName } },
    status: { attached: o.attached ?? false, ...(o.attachmentMetadata ? { attachmentMetadata: o.attachmentMetadata } : {}) },
  };
}

export function node(name: string, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [{ type: 'Hostname', address: name }],
    },
  };
}

export function csiNode(name: string, driverName: string, nodeId: string, topologyKeys: string[] = []) {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSINode',
    metadata: { name },
    spec: { drivers: [{ name: driverName, nodeID: nodeId, topologyKeys }] },
  };
}
