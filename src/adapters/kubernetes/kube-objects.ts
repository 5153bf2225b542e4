/**
 * The fields of the Kubernetes objects this driver reads and writes, as the API serves them in JSON
 * (timestamps are strings). Only what the adapters use; unknown fields pass through untouched.
 */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

export interface KubeList<T> {
  items: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export interface ListOptions {
  readonly limit?: number;
  readonly continue?: string;
}

export interface PersistentVolume {
  metadata?: ObjectMeta;
  spec?: {
    csi?: { driver: string; volumeHandle: string; readOnly?: boolean; volumeAttributes?: Record<string, string> };
    accessModes?: string[];
    volumeMode?: string;
    claimRef?: { name?: string; namespace?: string };
  };
}

export interface VolumeAttachment {
  metadata?: ObjectMeta;
  spec: { attacher: string; nodeName: string; source: { persistentVolumeName?: string } };
  status?: { attached: boolean };
}

export interface CsiNode {
  metadata?: ObjectMeta;
  spec: { drivers: { name: string; nodeID: string }[] };
}

export interface Lease {
  metadata?: ObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    /** MicroTime: RFC 3339 with exactly six fractional digits (microTime()). */
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** core/v1 Event, as posted on a PVC. Times are metav1.Time: RFC 3339 in whole seconds. */
export interface CoreEvent {
  metadata: ObjectMeta;
  involvedObject: { apiVersion: string; kind: string; name: string; namespace: string };
  type: string;
  reason: string;
  message: string;
  source: { component: string; host: string };
  reportingComponent: string;
  reportingInstance: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

/** metav1.MicroTime as the API server parses it (exactly six fractional digits). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** metav1.Time: whole seconds. */
export function kubeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
