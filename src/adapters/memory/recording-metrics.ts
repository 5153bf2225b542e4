import { injectable } from 'inversify';
import type { CommandOutcome, Metrics } from '../../ports/metrics.js';

/** Metrics kept as plain records, for tests and wiring without Prometheus. */
@injectable()
export class RecordingMetrics implements Metrics {
  readonly rpcs: { method: string; code: string }[] = [];
  readonly commands: { verb: string; outcome: CommandOutcome }[] = [];
  readonly mounts: { operation: string; outcome: string }[] = [];
  reconnects = 0;
  conflicts = 0;
  migrationTimeouts = 0;
  connected: () => boolean = () => false;
  attached: () => number = () => 0;

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
  fencingConflict(): void {
    this.conflicts += 1;
  }
  migrationTimedOut(): void {
    this.migrationTimeouts += 1;
  }
  mountOperation(operation: 'mount' | 'bind' | 'unmount', outcome: 'ok' | 'failed'): void {
    this.mounts.push({ operation, outcome });
  }
}
