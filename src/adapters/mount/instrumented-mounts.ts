import type { FsType } from '../../ports/filesystems.js';
import type { Metrics, MountOperation } from '../../ports/metrics.js';
import type { MountEntry, Mounts, VolumeUsage } from '../../ports/mounts.js';

/** Mounts that count and time mount, bind and unmount by outcome, around the real adapter (counted from zero). */
export class InstrumentedMounts implements Mounts {
  constructor(
    private readonly inner: Mounts,
    private readonly metrics: Metrics,
  ) {
    metrics.countMountOperations();
  }

  mount(device: string, target: string, fsType: FsType, options: readonly string[], signal?: AbortSignal, snapshot?: readonly MountEntry[]): Promise<void> {
    return this.timed('mount', () => this.inner.mount(device, target, fsType, options, signal, snapshot));
  }
  bind(source: string, target: string, readonly: boolean, options?: readonly string[], signal?: AbortSignal, snapshot?: readonly MountEntry[]): Promise<void> {
    return this.timed('bind', () => this.inner.bind(source, target, readonly, options, signal, snapshot));
  }
  unmount(target: string, signal?: AbortSignal): Promise<void> {
    return this.timed('unmount', () => this.inner.unmount(target, signal));
  }
  listMounts(signal?: AbortSignal): Promise<MountEntry[]> {
    return this.inner.listMounts(signal);
  }
  findMount(path: string, signal?: AbortSignal): Promise<MountEntry | undefined> {
    return this.inner.findMount(path, signal);
  }
  usage(path: string): Promise<VolumeUsage> {
    return this.inner.usage(path);
  }

  private async timed(operation: MountOperation, work: () => Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await work();
      this.metrics.mountOperation(operation, 'ok', (performance.now() - started) / 1000);
    } catch (error) {
      this.metrics.mountOperation(operation, 'failed', (performance.now() - started) / 1000);
      throw error;
    }
  }
}
