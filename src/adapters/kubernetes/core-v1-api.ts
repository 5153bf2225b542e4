import type { JsonPatchOperation } from './guarded-annotation-patch.js';
import type { KubeHttp } from './kube-http.js';
import type { CoreEvent, KubeList, ListOptions, PersistentVolume } from './kube-objects.js';

/** The core/v1 calls the driver makes: PersistentVolumes and Events. */
export class CoreV1Api {
  constructor(private readonly http: KubeHttp) {}

  listPersistentVolume(options: ListOptions): Promise<KubeList<PersistentVolume>> {
    return this.http.request({ method: 'GET', path: '/api/v1/persistentvolumes', query: { limit: options.limit, continue: options.continue } });
  }

  readPersistentVolume(name: string): Promise<PersistentVolume> {
    return this.http.request({ method: 'GET', path: `/api/v1/persistentvolumes/${encodeURIComponent(name)}` });
  }

  /** Applies an RFC 6902 JSON patch; the API server applies it atomically or not at all (422 when a `test` fails). */
  patchPersistentVolume(name: string, patch: readonly JsonPatchOperation[]): Promise<PersistentVolume> {
    return this.http.request({ method: 'PATCH', path: `/api/v1/persistentvolumes/${encodeURIComponent(name)}`, body: patch, contentType: 'application/json-patch+json' });
  }

  createNamespacedEvent(namespace: string, event: CoreEvent): Promise<CoreEvent> {
    return this.http.request({ method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, body: event });
  }
}
