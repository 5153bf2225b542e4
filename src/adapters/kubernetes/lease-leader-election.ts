import { inject, injectable } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { Clock } from '../../ports/clock.js';
import type { LeaderElection } from '../../ports/leader-election.js';
import { Logger } from '../../ports/logger.js';
import { apiStatus, KubeClientsToken } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';
import { microTime } from './kube-objects.js';
import type { Lease } from './kube-objects.js';

export interface LeaseSettings {
  readonly namespace: string;
  readonly name: string;
  /** This replica, e.g. its pod name. */
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly retryPeriodMs: number;
}
export const LeaseSettings = Symbol.for('rds-csi.LeaseSettings') as ServiceIdentifier<LeaseSettings>;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with the semantics of client-go's: the holder
 * renews every retry period; another replica takes over only after the lease record has stayed
 * unchanged for a whole lease duration by its own clock (so clock skew between hosts does not
 * matter); every write carries the resourceVersion, so two candidates never both win. A leader
 * that cannot renew within the lease duration stops considering itself leader.
 */
@injectable()
export class LeaseLeaderElection implements LeaderElection {
  private leader = false;
  private lastRenewed = Number.NEGATIVE_INFINITY;
  private observed: { key: string; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @inject(KubeClientsToken) private readonly clients: KubeClients,
    @inject(LeaseSettings) private readonly settings: LeaseSettings,
    @inject(Clock) private readonly clock: Clock,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  isLeader(): boolean {
    if (this.leader && this.clock.now() - this.lastRenewed > this.settings.leaseDurationMs) this.setLeader(false);
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = () => {
      void this.tick().catch((error: unknown) => this.logger.warn('leader election step failed', { error })).finally(() => {
        if (this.running) this.timer = setTimeout(loop, this.settings.retryPeriodMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    if (!this.leader) return;
    this.setLeader(false);
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity !== this.settings.identity) return;
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 };
      await this.replace(lease);
    } catch (error) {
      this.logger.warn('could not release the leader lease', { error });
    }
  }

  /**
   * One campaign step; public so tests can drive it without timers. Never rejects: a lost race
   * (409: another candidate created or wrote the Lease first) or a failed call only means this step
   * did not win; the next step reads the Lease again.
   */
  async tick(): Promise<void> {
    try {
      const now = this.clock.now();
      const lease = await this.read();
      if (!lease) return await this.create(now);
      const spec = lease.spec ?? {};
      const key = `${spec.holderIdentity ?? ''}|${String(spec.renewTime ?? '')}|${lease.metadata?.resourceVersion ?? ''}`;
      if (this.observed?.key !== key) this.observed = { key, at: now };
      if (spec.holderIdentity === this.settings.identity) return await this.renew(lease, now, false);
      const held = Boolean(spec.holderIdentity) && now - this.observed.at <= this.settings.leaseDurationMs;
      if (held) return this.setLeader(false);
      await this.renew(lease, now, true);
    } catch (error) {
      if (apiStatus(error) !== 409) this.logger.warn('leader election step failed', { error });
      this.isLeader();
    }
  }

  private async create(now: number): Promise<void> {
    const body: Lease = { metadata: { name: this.settings.name, namespace: this.settings.namespace }, spec: this.spec(now, now, 0) };
    await this.clients.coordination.createNamespacedLease(this.settings.namespace, body);
    this.won(now);
  }

  private async renew(lease: Lease, now: number, takeover: boolean): Promise<void> {
    const spec = lease.spec ?? {};
    const acquired = takeover ? now : spec.acquireTime ? new Date(spec.acquireTime).getTime() : now;
    lease.spec = this.spec(acquired, now, (spec.leaseTransitions ?? 0) + (takeover ? 1 : 0));
    await this.replace(lease);
    this.won(now);
  }

  private spec(acquiredAt: number, renewedAt: number, transitions: number): Lease['spec'] {
    return {
      holderIdentity: this.settings.identity,
      leaseDurationSeconds: Math.ceil(this.settings.leaseDurationMs / 1000),
      acquireTime: microTime(acquiredAt),
      renewTime: microTime(renewedAt),
      leaseTransitions: transitions,
    };
  }

  private won(now: number): void {
    this.lastRenewed = now;
    this.setLeader(true);
  }

  private setLeader(leader: boolean): void {
    if (leader !== this.leader) this.logger.info(leader ? 'became leader' : 'lost leadership', { identity: this.settings.identity, lease: `${this.settings.namespace}/${this.settings.name}` });
    this.leader = leader;
  }

  private async read(): Promise<Lease | undefined> {
    try {
      return await this.clients.coordination.readNamespacedLease(this.settings.namespace, this.settings.name);
    } catch (error) {
      if (apiStatus(error) === 404) return undefined;
      throw error;
    }
  }

  private replace(lease: Lease): Promise<Lease> {
    return this.clients.coordination.replaceNamespacedLease(this.settings.namespace, this.settings.name, lease);
  }
}
