import { injectable } from 'inversify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MOUNT_OPERATIONS, MOUNT_OUTCOMES } from '../../ports/metrics.js';
import type { CommandOutcome, Metrics, MountOperation, MountOutcome } from '../../ports/metrics.js';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Prometheus series under the `rds_csi_` prefix, in a registry of their own. The gauges read at
 * scrape time (connection, attachments, leader) are registered by their first observer, so a
 * process that has no such state does not show the series at all.
 */
@injectable()
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly build = new Gauge({ name: 'rds_csi_build_info', help: 'Always 1: the driver version and the mode this process runs in', labelNames: ['version', 'mode'], registers: [this.registry] });
  private readonly rpcs = new Counter({ name: 'rds_csi_rpc_requests_total', help: 'CSI RPCs by method and gRPC code', labelNames: ['method', 'code'], registers: [this.registry] });
  private readonly rpcSeconds = new Histogram({ name: 'rds_csi_rpc_duration_seconds', help: 'CSI RPC duration', labelNames: ['method', 'code'], buckets: SECONDS, registers: [this.registry] });
  private readonly commands = new Histogram({ name: 'rds_csi_routeros_command_duration_seconds', help: 'RouterOS command duration by verb and outcome', labelNames: ['command', 'outcome'], buckets: SECONDS, registers: [this.registry] });
  private readonly reconnects = new Counter({ name: 'rds_csi_routeros_reconnects_total', help: 'SSH reconnections to the RDS', registers: [this.registry] });
  private readonly conflicts = new Counter({ name: 'rds_csi_fencing_conflicts_total', help: 'Attach requests refused because another node holds the volume', registers: [this.registry] });
  private readonly migrationTimeouts = new Counter({ name: 'rds_csi_migration_timeouts_total', help: 'Dual attachments (KubeVirt live migrations) that outlived their volume\'s migration window', registers: [this.registry] });
  private readonly mounts = new Counter({ name: 'rds_csi_mount_operations_total', help: 'Node mount operations by operation and outcome', labelNames: ['operation', 'outcome'], registers: [this.registry] });
  private readonly mountSeconds = new Histogram({ name: 'rds_csi_mount_operation_duration_seconds', help: 'Node mount operation duration', labelNames: ['operation'], buckets: SECONDS, registers: [this.registry] });
  private readonly poolSize = new Gauge({ name: 'rds_csi_pool_size_bytes', help: 'Size of the RDS pool the volumes live on, as last read from the RDS (controller)', labelNames: ['pool'], registers: [this.registry] });
  private readonly poolFree = new Gauge({ name: 'rds_csi_pool_free_bytes', help: 'Free space in the RDS pool the volumes live on, as last read from the RDS (controller)', labelNames: ['pool'], registers: [this.registry] });
  private readonly readers = new Map<string, () => number>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'rds_csi_' });
  }

  buildInfo(version: string, mode: string): void {
    this.build.reset();
    this.build.set({ version, mode }, 1);
  }
  rpcCompleted(method: string, code: string, seconds: number): void {
    this.rpcs.inc({ method, code });
    this.rpcSeconds.observe({ method, code }, seconds);
  }
  routerOsCommand(verb: string, outcome: CommandOutcome, seconds: number): void {
    this.commands.observe({ command: verb, outcome }, seconds);
  }
  routerOsReconnected(count: number): void {
    this.reconnects.inc(count);
  }
  observeRouterOsConnection(read: () => boolean): void {
    this.observe('rds_csi_routeros_connected', '1 while the SSH connection to the RDS is up (controller)', () => (read() ? 1 : 0));
  }
  observeAttachments(read: () => number): void {
    this.observe('rds_csi_attached_volumes', 'Volumes attached to at least one node (controller)', read);
  }
  observeLeadership(read: () => boolean): void {
    this.observe('rds_csi_leader', '1 on the controller replica that holds the leader Lease, else 0', () => (read() ? 1 : 0));
  }
  poolCapacity(pool: string, totalBytes: number, freeBytes: number): void {
    this.poolSize.set({ pool }, totalBytes);
    this.poolFree.set({ pool }, freeBytes);
  }
  fencingConflict(): void {
    this.conflicts.inc();
  }
  migrationTimedOut(): void {
    this.migrationTimeouts.inc();
  }
  countMountOperations(): void {
    for (const operation of MOUNT_OPERATIONS) {
      for (const outcome of MOUNT_OUTCOMES) this.mounts.inc({ operation, outcome }, 0);
      this.mountSeconds.zero({ operation });
    }
  }
  mountOperation(operation: MountOperation, outcome: MountOutcome, seconds: number): void {
    this.mounts.inc({ operation, outcome });
    this.mountSeconds.observe({ operation }, seconds);
  }

  /** The exposition text for /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Registers a gauge read at scrape time on its first observer; a later observer replaces the reader. */
  private observe(name: string, help: string, read: () => number): void {
    const known = this.readers.has(name);
    this.readers.set(name, read);
    if (known) return;
    const readers = this.readers;
    new Gauge({ name, help, registers: [this.registry], collect() { this.set(readers.get(name)!()); } });
  }
}
