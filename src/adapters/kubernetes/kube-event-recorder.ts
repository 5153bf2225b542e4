import { inject, injectable } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import type { EventRecorder, VolumeEvent } from '../../ports/event-recorder.js';
import { Logger } from '../../ports/logger.js';
import { KubeClientsToken } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import { kubeTime } from './kube-objects.js';

export interface EventSettings {
  /** reportingComponent / source.component, e.g. rds-csi-controller or rds-csi-node. */
  readonly component: string;
  /** This host or pod, for reportingInstance / source.host. */
  readonly instance: string;
  /** Events waiting to be posted; beyond this, new events are dropped. */
  readonly queueLimit: number;
}
export const EventSettings = Symbol.for('rds-csi.EventSettings') as ServiceIdentifier<EventSettings>;

/** The claim of a volume's PersistentVolume, where one is known (the controller's PV index); the node knows none. */
export interface VolumeClaims {
  get(volumeHandle: string): { readonly claim?: { readonly name: string; readonly namespace: string } } | undefined;
}
export const VolumeClaims = Symbol.for('rds-csi.VolumeClaims') as ServiceIdentifier<VolumeClaims>;

/** For the node plugin: events carry their claim from the volume context, or are not posted. */
export const NO_VOLUME_CLAIMS: VolumeClaims = { get: () => undefined };

const NAME_SAFE = /^[a-z0-9]([-a-z0-9.]{0,200}[a-z0-9])?$/;

type Claim = NonNullable<VolumeEvent['pvc']>;
type ClaimEvent = VolumeEvent & { readonly pvc: Claim };

/**
 * Posts core/v1 Events on PVCs, one at a time in the background, never blocking the caller. An event
 * that names only its volume goes to the claim of the volume's PersistentVolume, as `claims` knows
 * it (the controller's PV index follows every PV); one whose claim is unknown is dropped.
 */
@injectable()
export class KubeEventRecorder implements EventRecorder {
  private readonly queue: ClaimEvent[] = [];
  private draining = false;
  dropped = 0;

  constructor(
    @inject(KubeClientsToken) private readonly clients: KubeClients,
    @inject(EventSettings) private readonly settings: EventSettings,
    @inject(Logger) private readonly logger: Logger,
    @inject(VolumeClaims) private readonly volumes: VolumeClaims,
  ) {}

  record(event: VolumeEvent): void {
    const pvc = event.pvc ?? (event.volumeId === undefined ? undefined : this.volumes.get(event.volumeId)?.claim);
    if (!pvc) {
      this.logger.debug('no claim known for an event; not posted', { reason: event.reason, volumeId: event.volumeId });
      return;
    }
    if (!NAME_SAFE.test(pvc.name) || !NAME_SAFE.test(pvc.namespace)) return;
    if (this.queue.length >= this.settings.queueLimit) {
      this.dropped += 1;
      return;
    }
    this.queue.push({ ...event, pvc });
    if (!this.draining) void this.drain();
  }

  /** Resolves once every queued event has been posted or given up on (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.draining || this.queue.length > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let event = this.queue.shift(); event; event = this.queue.shift()) await this.post(event);
    } finally {
      this.draining = false;
    }
  }

  private async post(event: ClaimEvent): Promise<void> {
    const now = Date.now();
    try {
      await this.clients.core.createNamespacedEvent(event.pvc.namespace, {
        metadata: { name: `${event.pvc.name}.${now.toString(16)}${Math.floor(Math.random() * 4096).toString(16)}`, namespace: event.pvc.namespace },
        involvedObject: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: event.pvc.name, namespace: event.pvc.namespace },
        type: event.type,
        reason: event.reason,
        message: event.message.slice(0, 1024),
        source: { component: this.settings.component, host: this.settings.instance },
        reportingComponent: this.settings.component,
        reportingInstance: this.settings.instance,
        firstTimestamp: kubeTime(now),
        lastTimestamp: kubeTime(now),
        count: 1,
      });
    } catch (error) {
      this.logger.warn('could not post a Kubernetes event', { reason: event.reason, pvc: `${event.pvc.namespace}/${event.pvc.name}`, error });
    }
  }
}
