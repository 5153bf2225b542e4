import { injectable } from 'inversify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandOutcome, Metrics } from '../../ports/metrics.js';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Prometheus series under the `rds_csi_` prefix, in a registry of their own. */
@injectable()
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly rpcs = new Counter({ name: 'rds_csi_rpc_requests_total', help: 'CSI RPCs by method and gRPC code', labelNames: ['method', 'code'], registers: [this.registry] });
  private readonly rpcSeconds = new Histogram({ name: 'rds_csi_rpc_duration_seconds', help: 'CSI RPC duration', labelNames: ['method', 'code'], buckets: SECONDS, registers: [this.registry] });
  private readonly commands = new Histogram({ name: 'rds_csi_routeros_command_duration_seconds', help: 'RouterOS command duration by verb and outcome', labelNames: ['command', 'outcome'], buckets: SECONDS, registers: [this.registry] });
  private readonly reconnects = new Counter({ name: 'rds_csi_routeros_reconnects_total', help: 'SSH reconnections to the RDS', registers: [this.registry] });
  private readonly conflicts = new Counter({ name: 'rds_csi_fencing_conflicts_total', help: 'Attach requests refused because another node holds the volume', registers: [this.registry] });
  private readonly migrationTimeouts = new Counter({ name: 'rds_csi_migration_timeouts_total', help: 'Dual attachments (KubeVirt live migrations) that outlived their volume\'s migration window', registers: [this.registry] });
  private readonly mounts = new Counter({ name: 'rds_csi_mount_operations_total', help: 'Node mount operations by operation and outcome', labelNames: ['operation', 'outcome'], registers: [this.registry] });
  private readonly mountSeconds = new Histogram({ name: 'rds_csi_mount_operation_duration_seconds', help: 'Node mount operation duration', labelNames: ['operation'], buckets: SECONDS, registers: [this.registry] });
  private connected: () => boolean = () => false;
  private attached: () => number = () => 0;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'rds_csi_' });
    const self = this;
    new Gauge({ name: 'rds_csi_routeros_connected', help: '1 while the SSH connection to the RDS is up', registers: [this.registry], collect() { this.set(self.connected() ? 1 : 0); } });
    new Gauge({ name: 'rds_csi_attached_volumes', help: 'Volumes attached to at least one node', registers: [this.registry], collect() { this.set(self.attached()); } });
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
    this.connected = read;
  }
  observeAttachments(read: () => number): void {
    this.attached = read;
  }
  fencingConflict(): void {
    this.conflicts.inc();
  }
  migrationTimedOut(): void {
    this.migrationTimeouts.inc();
  }
  mountOperation(operation: 'mount' | 'bind' | 'unmount', outcome: 'ok' | 'failed', seconds: number): void {
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
}
