/** The parts of a Kubernetes object the fake relies on; everything else passes through untouched. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Store key: `namespace/name` for namespaced objects (the real API's etcd order), `name` otherwise. */
export const objectKey = (namespace: string | undefined, name: string) =>
  namespace === undefined ? name : `${namespace}/${name}`;
