import type { V1PersistentVolume } from '@kubernetes/client-node';
import { inject, injectable } from 'inversify';
import { Clock } from '../../ports/clock.js';
import { Logger } from '../../ports/logger.js';
import { annotationKeys } from './attachment-annotations.js';
import type { PvUsageHint } from './attachment-annotations.js';
import { apiStatus, KubeClientsToken, unavailable } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import { KubernetesSettings } from './kubernetes-settings.js';

/** What the driver keeps of one of its PersistentVolumes. */
export interface PvEntry {
  readonly name: string;
  readonly volumeHandle: string;
  readonly resourceVersion: string;
  /** Only this driver's annotations. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Whether the PV has an annotation map at all (JSON patches cannot add to a missing map). */
  readonly hasAnnotationMap: boolean;
  readonly hint: PvUsageHint;
}

/**
 * This driver's PersistentVolumes by CSI volume handle, kept fresh by a full paginated list at start,
 * a watch after it, every write's response, and a targeted read (then a throttled re-list) on a miss.
 * PVs are found by spec.csi.driver and spec.csi.volumeHandle, never by assuming a PV name.
 */
@injectable()
export class PvIndex {
  private readonly byHandle = new Map<string, PvEntry>();
  private readonly handleByName = new Map<string, string>();
  private relisting: Promise<string> | undefined;
  private lastRelistAt = Number.NEGATIVE_INFINITY;
  private watchAbort: AbortController | undefined;
  private stopped = false;

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

  /** Finds a volume's PV: the index, then the PV named like the volume, then a throttled re-list. */
  async find(volumeHandle: string): Promise<PvEntry | undefined> {
    const known = this.byHandle.get(volumeHandle);
    if (known) return known;
    const byName = await this.read(volumeHandle);
    if (byName?.volumeHandle === volumeHandle) return byName;
    if (this.clock.now() - this.lastRelistAt >= this.settings.relistIntervalMs) await this.relist();
    return this.byHandle.get(volumeHandle);
  }

  /** Reads one PV afresh and updates the index; undefined when it does not exist or is not ours. */
  async read(name: string): Promise<PvEntry | undefined> {
    try {
      return this.absorb(await this.clients.core.readPersistentVolume({ name }));
    } catch (error) {
      if (apiStatus(error) === 404) {
        this.forget(name);
        return undefined;
      }
      throw unavailable(`reading PersistentVolume ${name}`, error);
    }
  }

  /**
   * Lists every PV page by page and replaces the index. A 410 Gone (expired continue token) restarts
   * the list. Concurrent callers share one list. Resolves to the list's resourceVersion.
   */
  relist(): Promise<string> {
    this.relisting ??= this.listAll().finally(() => {
      this.relisting = undefined;
    });
    return this.relisting;
  }

  /** Records a PV from any API response; returns its entry, or undefined when it is not ours. */
  absorb(pv: V1PersistentVolume): PvEntry | undefined {
    const entry = this.toEntry(pv);
    const name = pv.metadata?.name;
    if (name) this.forget(name);
    if (!entry) return undefined;
    this.byHandle.set(entry.volumeHandle, entry);
    this.handleByName.set(entry.name, entry.volumeHandle);
    return entry;
  }

  forget(name: string): void {
    const handle = this.handleByName.get(name);
    if (handle === undefined) return;
    this.handleByName.delete(name);
    if (this.byHandle.get(handle)?.name === name) this.byHandle.delete(handle);
  }

  /** Keeps the index fresh from a watch until `stop`; when the watch ends, re-lists and watches again. */
  async startWatch(fromResourceVersion: string): Promise<void> {
    if (this.stopped) return;
    try {
      this.watchAbort = await this.clients.watcher().watch(
        '/api/v1/persistentvolumes',
        { resourceVersion: fromResourceVersion, allowWatchBookmarks: true },
        (type: string, object: V1PersistentVolume) => {
          if (type === 'ADDED' || type === 'MODIFIED') this.absorb(object);
          else if (type === 'DELETED' && object.metadata?.name) this.forget(object.metadata.name);
        },
        (error: unknown) => this.watchEnded(error),
      );
    } catch (error) {
      this.watchEnded(error);
    }
  }

  private watchEnded(error: unknown): void {
    if (this.stopped) return;
    if (error) this.logger.debug('PersistentVolume watch ended; re-listing', { error });
    void this.clock
      .sleep(1_000)
      .then(() => this.relist())
      .then(
        (rv) => this.startWatch(rv),
        (e: unknown) => {
          this.logger.warn('could not re-list PersistentVolumes after the watch ended; retrying', { error: e });
          this.watchEnded(undefined);
        },
      );
  }

  stop(): void {
    this.stopped = true;
    this.watchAbort?.abort();
  }

  private async listAll(): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const seen = new Map<string, PvEntry>();
        let token: string | undefined;
        let resourceVersion = '';
        do {
          const page = await this.clients.core.listPersistentVolume({ limit: this.settings.listPageSize, _continue: token });
          for (const pv of page.items) {
            const entry = this.toEntry(pv);
            if (entry) seen.set(entry.volumeHandle, entry);
          }
          token = page.metadata?._continue || undefined;
          resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        } while (token);
        this.replaceAll(seen);
        this.lastRelistAt = this.clock.now();
        return resourceVersion;
      } catch (error) {
        if (apiStatus(error) === 410 && attempt < 5) continue;
        throw unavailable('listing PersistentVolumes', error);
      }
    }
  }

  private replaceAll(seen: Map<string, PvEntry>): void {
    this.byHandle.clear();
    this.handleByName.clear();
    for (const entry of seen.values()) {
      this.byHandle.set(entry.volumeHandle, entry);
      this.handleByName.set(entry.name, entry.volumeHandle);
    }
  }

  private toEntry(pv: V1PersistentVolume): PvEntry | undefined {
    const csi = pv.spec?.csi;
    const name = pv.metadata?.name;
    if (!csi || csi.driver !== this.settings.driverName || !name || !csi.volumeHandle) return undefined;
    const keys = Object.values(annotationKeys(this.settings.driverName));
    const annotations: Record<string, string> = {};
    for (const key of keys) {
      const value = pv.metadata?.annotations?.[key];
      if (value !== undefined) annotations[key] = value;
    }
    return {
      name,
      volumeHandle: csi.volumeHandle,
      resourceVersion: pv.metadata?.resourceVersion ?? '',
      annotations,
      hasAnnotationMap: pv.metadata?.annotations !== undefined,
      hint: { accessModes: pv.spec?.accessModes ?? [], volumeMode: pv.spec?.volumeMode, readOnly: csi.readOnly },
    };
  }
}
