import type { KindName } from './resource-table.js';
import type { Verb } from './route.js';

/** RBAC-style resource for `forbid`: a kind or its status subresource. */
export type ForbidResource = KindName | `${KindName}/status`;

interface Counted {
  remaining: number;
  kind?: KindName;
}

interface FailRule extends Counted {
  status: number;
}

/**
 * Faults the fake injects into HTTP requests. Count-based faults apply to the next N matching requests and are
 * used up in request order; `forbid` lasts until `reset()`.
 */
export class FaultPlan {
  private conflicts: Counted[] = [];
  private failures: FailRule[] = [];
  private gone = 0;
  private delayMs = 0;
  private watchDelay = 0;
  private readonly slowed = new Map<string, number>();
  private readonly barriers = new Map<string, { parties: number; waiting: (() => void)[] }>();
  private readonly forbidden = new Set<string>();

  /** The next `n` updates/patches (PUT or PATCH, main resource or /status) of `kind` (any if omitted) answer 409. */
  conflictNextWrites(n: number, kind?: KindName): void {
    this.conflicts.push({ remaining: n, ...(kind ? { kind } : {}) });
  }

  /** The next `n` resource requests of `kind` (any if omitted) answer `status` with an error Status. */
  failNext(n: number, status = 500, kind?: KindName): void {
    this.failures.push({ remaining: n, status, ...(kind ? { kind } : {}) });
  }

  /** Delay added before every request is handled; 0 turns it off. */
  latency(ms: number): void {
    this.delayMs = ms;
  }

  /** Requests with this verb on this kind wait `ms` before they are handled (after being logged); 0 ends it. */
  slow(kind: KindName, verb: Verb, ms: number): void {
    if (ms > 0) this.slowed.set(`${kind} ${verb}`, ms);
    else this.slowed.delete(`${kind} ${verb}`);
  }

  /**
   * The next `parties` requests with this verb on this kind wait for each other and are then handled
   * together: requests from several clients made to overlap, whatever their timing.
   */
  barrier(kind: KindName, verb: Verb, parties: number): void {
    this.barriers.set(`${kind} ${verb}`, { parties, waiting: [] });
  }

  /**
   * Watch events reach clients `ms` after the change (a lagging watch); 0 ends it. Events keep their
   * order while the delay stays the same.
   */
  delayWatchEvents(ms: number): void {
    this.watchDelay = ms;
  }

  /** The next `n` list requests carrying a `continue` token answer 410 Gone, reason Expired. */
  goneOnContinue(n: number): void {
    this.gone += n;
  }

  /** Requests with this verb on this resource answer 403 Forbidden until reset. */
  forbid(resource: ForbidResource, verb: Verb): void {
    this.forbidden.add(`${resource} ${verb}`);
  }

  reset(): void {
    this.conflicts = [];
    this.failures = [];
    this.gone = 0;
    this.delayMs = 0;
    this.watchDelay = 0;
    this.slowed.clear();
    for (const b of this.barriers.values()) for (const go of b.waiting) go();
    this.barriers.clear();
    this.forbidden.clear();
  }

  /** @internal used by the request handler */
  get delay(): number {
    return this.delayMs;
  }

  /** @internal */
  delayFor(kind: KindName, verb: Verb): number {
    return this.slowed.get(`${kind} ${verb}`) ?? 0;
  }

  /** @internal */
  passBarrier(kind: KindName, verb: Verb): Promise<void> {
    const key = `${kind} ${verb}`;
    const barrier = this.barriers.get(key);
    if (!barrier) return Promise.resolve();
    return new Promise((resolve) => {
      barrier.waiting.push(resolve);
      if (barrier.waiting.length < barrier.parties) return;
      this.barriers.delete(key);
      for (const go of barrier.waiting) go();
    });
  }

  /** @internal */
  get watchEventDelay(): number {
    return this.watchDelay;
  }

  /** @internal */
  takeConflict(kind: KindName): boolean {
    return take(this.conflicts, kind) !== undefined;
  }

  /** @internal */
  takeFailure(kind: KindName): number | undefined {
    return take(this.failures, kind)?.status;
  }

  /** @internal */
  takeGoneOnContinue(): boolean {
    if (this.gone === 0) return false;
    this.gone--;
    return true;
  }

  /** @internal */
  isForbidden(resource: ForbidResource, verb: Verb): boolean {
    return this.forbidden.size > 0 && this.forbidden.has(`${resource} ${verb}`);
  }
}

function take<T extends Counted>(rules: T[], kind: KindName): T | undefined {
  const i = rules.findIndex((r) => r.remaining > 0 && (r.kind === undefined || r.kind === kind));
  if (i < 0) return undefined;
  const rule = rules[i]!;
  if (--rule.remaining === 0) rules.splice(i, 1);
  return rule;
}
