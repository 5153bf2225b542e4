import { injectable } from 'inversify';
import type { CommandOutcome, Metrics, MountOperation, MountOutcome } from '../../ports/metrics.js';

/** Metrics kept as plain records, for tests and wiring without Prometheus. */
@injectable()
export class RecordingMetrics implements Metrics {
  readonly rpcs: { method: string; code: string }[] = [];
  readonly commands: { verb: string; outcome: CommandOutcome }[] = [];
  readonly mounts: { operation: string; outcome: string }[] = [];
  readonly pools = new Map<string, { totalBytes: number; freeBytes: number }>();
  build: { version: string; mode: string } | undefined;
  reconnects = 0;
  conflicts = 0;
  migrationTimeouts = 0;
  mountOperationsCounted = false;
  connected: () => boolean = () => false;
  attached: () => number = () => 0;
  leader: () => boolean = () => false;

  buildInfo(version: string, mode: string): void {
    this.build = { version, mode };
  }
  rpcCompleted(method: string, code: string): void {
    this.rpcs.push({ method, code });
  }
  routerOsCommand(verb: string, outcome: CommandOutcome): void {
    this.commands.push({ verb, outcome });
  }
  routerOsReconnected(count: number): void {
    this.reconnects += count;
  }
  observeRouterOsConnection(read: () => boolean): void {
    this.connected = read;
  }
  observeAttachments(read: () => number): void {
    this.attached = read;
  }
  observeLeadership(read: () => boolean): void {
    this.leader = read;
  }
  poolCapacity(pool: string, totalBytes: number, freeBytes: number): void {
    this.pools.set(pool, { totalBytes, freeBytes });
  }
  fencingConflict(): void {
    this.conflicts += 1;
  }
  migrationTimedOut(): void {
    this.migrationTimeouts += 1;
  }
  countMountOperations(): void {
    this.mountOperationsCounted = true;
  }
  mountOperation(operation: MountOperation, outcome: MountOutcome): void {
    this.mounts.push({ operation, outcome });
  }
}
