import type { KubeHttp } from './kube-http.js';
import type { Lease } from './kube-objects.js';

/** The coordination.k8s.io/v1 calls the driver makes: one Lease, read, created and replaced. */
export class CoordinationV1Api {
  constructor(private readonly http: KubeHttp) {}

  readNamespacedLease(namespace: string, name: string): Promise<Lease> {
    return this.http.request({ method: 'GET', path: leasePath(namespace, name) });
  }

  createNamespacedLease(namespace: string, lease: Lease): Promise<Lease> {
    return this.http.request({ method: 'POST', path: leasePath(namespace), body: lease });
  }

  /** A PUT carrying the Lease's resourceVersion: 409 when someone wrote it since. */
  replaceNamespacedLease(namespace: string, name: string, lease: Lease): Promise<Lease> {
    return this.http.request({ method: 'PUT', path: leasePath(namespace, name), body: lease });
  }
}

function leasePath(namespace: string, name?: string): string {
  const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}
