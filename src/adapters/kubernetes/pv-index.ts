import { inject, injectable } from 'inversify';
import { Clock } from '../../ports/clock.js';
import { Logger } from '../../ports/logger.js';
import { annotationKeys } from './attachment-annotations.js';
import type { PvUsageHint } from './attachment-annotations.js';
import { apiStatus, KubeClientsToken, unavailable } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import { KubeInformer } from './kube-informer.js';
import type { PersistentVolume } from './kube-objects.js';
import { KubernetesSettings } from './kubernetes-settings.js';

/** What the driver keeps of one of its PersistentVolumes. */
export interface PvEntry {
  readonly name: string;
  readonly volumeHandle: string;
  readonly resourceVersion: string;
  /** The resourceVersion as a number for ordering reports of one PV; NaN when it is not one. */
  readonly revision: number;
  /** Only this driver's annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Every annotation, or undefined when the PV has no annotation map: what a guarded write tests. */
  readonly allAnnotations: Readonly<Record<string, string>> | undefined;
  readonly hint: PvUsageHint;
  /** The claim the PV is bound to, for events. */
  readonly claim?: { readonly name: string; readonly namespace: string };
}

/** Told, in order, what the index learns. */
export interface PvListener {
  reset(entries: PvEntry[], revision: number): void;
  put(entry: PvEntry): void;
  remove(volumeHandle: string, revision: number): void;
}

/**
 * This driver's PersistentVolumes by CSI volume handle, kept by an informer (list, then watch)
 * and by every PV an API call returns. Reports of one PV are taken in resourceVersion order, so a
 * slow read never undoes a newer watch event. PVs are found by spec.csi.driver and
 * spec.csi.volumeHandle, never by assuming a PV name.
 */
@injectable()
export class PvIndex {
  private readonly byHandle = new Map<string, PvEntry>();
  private readonly handleByName = new Map<string, string>();
  private informer: KubeInformer<PersistentVolume> | undefined;
  private listener: PvListener | undefined;

  constructor(
    @inject(KubeClientsToken) private readonly clients: KubeClients,
    @inject(KubernetesSettings) private readonly settings: KubernetesSettings,
    @inject(Logger) private readonly logger: Logger,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  entries(): PvEntry[] {
    return [...this.byHandle.values()];
  }

  get(volumeHandle: string): PvEntry | undefined {
    return this.byHandle.get(volumeHandle);
  }

  getByName(name: string): PvEntry | undefined {
    const handle = this.handleByName.get(name);
    return handle === undefined ? undefined : this.byHandle.get(handle);
  }

  /** Lists and watches every PV, telling `listener`; resolves after the first complete list. */
  follow(listener: PvListener): Promise<void> {
    this.listener = listener;
    this.informer ??= new KubeInformer<PersistentVolume>(
      this.clients,
      {
        what: 'PersistentVolumes',
        watchPath: '/api/v1/persistentvolumes',
        list: (limit, token) => this.clients.core.listPersistentVolume({ limit, continue: token }),
      },
      {
        replace: (items, resourceVersion) => this.replace(items, resourceVersion),
        upsert: (pv) => this.absorb(pv),
        remove: (pv) => this.forget(pv.metadata?.name ?? '', revisionOf(pv.metadata?.resourceVersion)),
      },
      { ...this.settings.informer, pageSize: this.settings.listPageSize },
      this.logger,
      this.clock,
    );
    return this.informer.start();
  }

  stop(): void {
    this.informer?.stop();
  }

  /** A volume's PV: from the index, else the PV named like the volume (watch lag). */
  async find(volumeHandle: string): Promise<PvEntry | undefined> {
    const known = this.byHandle.get(volumeHandle);
    if (known) return known;
    const byName = await this.read(volumeHandle);
    return byName?.volumeHandle === volumeHandle ? byName : undefined;
  }

  /** Reads one PV afresh and updates the index; undefined when it does not exist or is not ours. */
  async read(name: string): Promise<PvEntry | undefined> {
    try {
      return this.absorb(await this.clients.core.readPersistentVolume(name));
    } catch (error) {
      if (apiStatus(error) === 404) {
        this.forget(name, Number.NaN);
        return undefined;
      }
      throw unavailable(`reading PersistentVolume ${name}`, error);
    }
  }

  /** Records a PV from any API response; returns the entry now indexed, or undefined when it is not ours. */
  absorb(pv: PersistentVolume): PvEntry | undefined {
    const entry = this.toEntry(pv);
    const name = pv.metadata?.name ?? '';
    const current = this.getByName(name);
    if (current && entry && entry.revision < current.revision) return current;
    if (!entry) {
      this.forget(name, revisionOf(pv.metadata?.resourceVersion));
      return undefined;
    }
    if (current && current.volumeHandle !== entry.volumeHandle) this.forget(name, Number.NaN);
    this.byHandle.set(entry.volumeHandle, entry);
    this.handleByName.set(entry.name, entry.volumeHandle);
    this.listener?.put(entry);
    return entry;
  }

  private forget(name: string, revision: number): void {
    const handle = this.handleByName.get(name);
    if (handle === undefined) return;
    const current = this.byHandle.get(handle);
    if (current && revision < current.revision) return;
    this.handleByName.delete(name);
    // Another PV may carry the same handle now; its record stays.
    if (current?.name !== name) return;
    this.byHandle.delete(handle);
    this.listener?.remove(handle, revision);
  }

  private replace(items: PersistentVolume[], resourceVersion: string): void {
    const revision = revisionOf(resourceVersion);
    const listed = new Map<string, PvEntry>();
    for (const pv of items) {
      const entry = this.toEntry(pv);
      if (entry) listed.set(entry.name, entry);
    }
    // A PV written after the list was taken is newer than the list: keep what the write returned.
    for (const kept of this.byHandle.values()) {
      const fresh = listed.get(kept.name);
      if ((fresh && kept.revision > fresh.revision) || (!fresh && kept.revision > revision)) listed.set(kept.name, kept);
    }
    this.byHandle.clear();
    this.handleByName.clear();
    for (const entry of listed.values()) {
      this.byHandle.set(entry.volumeHandle, entry);
      this.handleByName.set(entry.name, entry.volumeHandle);
    }
    this.listener?.reset([...this.byHandle.values()], revision);
  }

  private toEntry(pv: PersistentVolume): PvEntry | undefined {
    const csi = pv.spec?.csi;
    const name = pv.metadata?.name;
    if (!csi || csi.driver !== this.settings.driverName || !name || !csi.volumeHandle) return undefined;
    const all = pv.metadata?.annotations;
    const ours: Record<string, string> = {};
    for (const key of Object.values(annotationKeys(this.settings.driverName))) {
      const value = all?.[key];
      if (value !== undefined) ours[key] = value;
    }
    const claim = pv.spec?.claimRef;
    return {
      name,
      volumeHandle: csi.volumeHandle,
      resourceVersion: pv.metadata?.resourceVersion ?? '',
      revision: revisionOf(pv.metadata?.resourceVersion),
      annotations: ours,
      allAnnotations: all === undefined ? undefined : { ...all },
      hint: { accessModes: pv.spec?.accessModes ?? [], volumeMode: pv.spec?.volumeMode, readOnly: csi.readOnly },
      ...(claim?.name && claim.namespace ? { claim: { name: claim.name, namespace: claim.namespace } } : {}),
    };
  }
}

/**
 * resourceVersions are opaque to clients, but every API server in use numbers them with etcd's
 * revision; where one is not a number, reports are simply taken in arrival order.
 */
function revisionOf(resourceVersion: string | undefined): number {
  return resourceVersion && /^\d{1,15}$/.test(resourceVersion) ? Number(resourceVersion) : Number.NaN;
}
