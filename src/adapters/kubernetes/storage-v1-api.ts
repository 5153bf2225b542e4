import type { KubeHttp } from './kube-http.js';
import type { CsiNode, KubeList, ListOptions, VolumeAttachment } from './kube-objects.js';

/** The storage.k8s.io/v1 calls the driver makes: VolumeAttachments and CSINodes, read only. */
export class StorageV1Api {
  constructor(private readonly http: KubeHttp) {}

  listVolumeAttachment(options: ListOptions): Promise<KubeList<VolumeAttachment>> {
    return this.http.request({ method: 'GET', path: '/apis/storage.k8s.io/v1/volumeattachments', query: { limit: options.limit, continue: options.continue } });
  }

  listCsiNode(options: ListOptions): Promise<KubeList<CsiNode>> {
    return this.http.request({ method: 'GET', path: '/apis/storage.k8s.io/v1/csinodes', query: { limit: options.limit, continue: options.continue } });
  }

  readCsiNode(name: string): Promise<CsiNode> {
    return this.http.request({ method: 'GET', path: `/apis/storage.k8s.io/v1/csinodes/${encodeURIComponent(name)}` });
  }
}
