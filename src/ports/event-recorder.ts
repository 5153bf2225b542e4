import type { ServiceIdentifier } from 'inversify';

/**
 * An event about a volume, shown on its PersistentVolumeClaim (`kubectl describe pvc`). It names the
 * claim, or the volume, whose claim the adapter then looks up (an event without one is only logged).
 */
export interface VolumeEvent {
  readonly pvc?: { readonly name: string; readonly namespace: string };
  readonly volumeId?: string;
  readonly type: 'Normal' | 'Warning';
  /** Short CamelCase reason, e.g. AttachmentConflict. */
  readonly reason: string;
  readonly message: string;
}

/**
 * Tells operators what happened to their volumes. `record` returns at once and never throws:
 * posting happens in the background, is bounded (excess events are dropped and counted), and a
 * failure to post is logged, never passed on. An event can never block or fail a CSI call.
 */
export interface EventRecorder {
  record(event: VolumeEvent): void;
}
export const EventRecorder = Symbol.for('rds-csi.EventRecorder') as ServiceIdentifier<EventRecorder>;

/** The PVC a volume belongs to, from the provisioner's --extra-create-metadata keys, if present. */
export function pvcOf(context: Readonly<Record<string, string>>): VolumeEvent['pvc'] | undefined {
  const name = context['csi.storage.k8s.io/pvc/name'];
  const namespace = context['csi.storage.k8s.io/pvc/namespace'];
  return name && namespace ? { name, namespace } : undefined;
}
