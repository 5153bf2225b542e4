/** The slice of the Kubernetes API the fake serves, one row per URL-addressable resource. */

/** Store names; also the names test helpers (`put`, `get`, faults) use. */
export type KindName =
  | 'persistentvolumes'
  | 'volumeattachments'
  | 'nodes'
  | 'csinodes'
  | 'leases'
  | 'events'
  | 'persistentvolumeclaims';

export interface ResourceDef {
  /** Store the objects live in (core and events.k8s.io events share one, as in the real API). */
  store: KindName;
  group: string;
  version: string;
  /** Plural resource name in URLs. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Main-resource writes keep the stored status; `/status` writes keep everything but status. */
  statusSubresource: boolean;
  /** PUT on a missing object creates it (true for leases and events in the real API). */
  allowCreateOnUpdate: boolean;
  /** DELETE answers with the deleted object (else with a Status "Success"). */
  deleteReturnsObject: boolean;
}

export const apiVersionOf = (d: ResourceDef) => (d.group === '' ? d.version : `${d.group}/${d.version}`);

const def = (
  store: KindName,
  group: string,
  kind: string,
  namespaced: boolean,
  opts: Partial<Pick<ResourceDef, 'statusSubresource' | 'allowCreateOnUpdate' | 'deleteReturnsObject' | 'resource'>>,
): ResourceDef => ({
  store,
  group,
  version: 'v1',
  resource: opts.resource ?? store,
  kind,
  namespaced,
  statusSubresource: opts.statusSubresource ?? false,
  allowCreateOnUpdate: opts.allowCreateOnUpdate ?? false,
  deleteReturnsObject: opts.deleteReturnsObject ?? false,
});

export const RESOURCES: readonly ResourceDef[] = [
  def('persistentvolumes', '', 'PersistentVolume', false, { statusSubresource: true, deleteReturnsObject: true }),
  def('persistentvolumeclaims', '', 'PersistentVolumeClaim', true, {
    statusSubresource: true,
    deleteReturnsObject: true,
  }),
  def('nodes', '', 'Node', false, { statusSubresource: true }),
  def('events', '', 'Event', true, { allowCreateOnUpdate: true }),
  def('events', 'events.k8s.io', 'Event', true, { allowCreateOnUpdate: true }),
  def('volumeattachments', 'storage.k8s.io', 'VolumeAttachment', false, {
    statusSubresource: true,
    deleteReturnsObject: true,
  }),
  def('csinodes', 'storage.k8s.io', 'CSINode', false, { deleteReturnsObject: true }),
  def('leases', 'coordination.k8s.io', 'Lease', true, { allowCreateOnUpdate: true }),
];

/** The definition test helpers use for a store (the core one for events). */
export function primaryDef(store: KindName): ResourceDef {
  const found = RESOURCES.find((d) => d.store === store);
  if (!found) throw new Error(`fake-kube-api: unknown kind ${store}`);
  return found;
}

const byPrefix = new Map<string, ResourceDef>(
  RESOURCES.map((d) => [`${d.group === '' ? 'api' : `apis/${d.group}`}/${d.version}/${d.resource}`, d]),
);

export function findResource(apiPrefix: string, resource: string): ResourceDef | undefined {
  return byPrefix.get(`${apiPrefix}/${resource}`);
}
