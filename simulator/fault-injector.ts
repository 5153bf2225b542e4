/**
 * Faults for the simulator, armed by tests at run time. "The Nth command from now" counts exec
 * requests (SSH exec or `execute()`) received after the call, starting at 1.
 */
export type CommandPredicate = (command: string) => boolean;

/** What to do with one incoming request. */
export interface FaultDecision {
  latencyMs: number;
  /** Answer with this RouterOS error instead of executing. */
  failWith?: string;
  /** Destroy the TCP connection; run the command first when `applyBeforeDrop`. */
  drop?: { applyBeforeDrop: boolean };
  /** Never answer (the command is not executed). */
  hang?: boolean;
}

interface MatchRule {
  test: CommandPredicate;
  errorText: string;
  remaining: number;
}

export class FaultInjector {
  private seen = 0;
  private latencyMs = 0;
  private readonly latencyByPrefix = new Map<string, number>();
  private readonly failAt = new Map<number, string>();
  private readonly matchRules: MatchRule[] = [];
  private readonly dropAt = new Map<number, boolean>();
  private readonly hangAt = new Set<number>();
  private maxChannels = Number.POSITIVE_INFINITY;

  constructor(
    private readonly poolControl: { setPoolSize(bytes: number): Promise<void>; fillPool(): Promise<void>; restorePool(): Promise<void> },
  ) {}

  /** Adds `ms` before every command, or only before commands starting with `commandPrefix`. */
  setLatency(ms: number, commandPrefix?: string): void {
    if (!(ms >= 0)) throw new Error('latency must be >= 0');
    if (commandPrefix === undefined) this.latencyMs = ms;
    else this.latencyByPrefix.set(commandPrefix, ms);
  }

  failNth(n: number, errorText: string): void {
    this.failAt.set(this.target(n), errorText);
  }

  failMatching(pattern: RegExp | CommandPredicate, errorText: string, times = Number.POSITIVE_INFINITY): void {
    const test = pattern instanceof RegExp ? (c: string) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(c) : pattern;
    this.matchRules.push({ test, errorText, remaining: times });
  }

  dropConnectionDuring(n: number, options: { applyBeforeDrop?: boolean } = {}): void {
    this.dropAt.set(this.target(n), options.applyBeforeDrop ?? true);
  }

  hang(n: number): void {
    this.hangAt.add(this.target(n));
  }

  /** Session channels beyond `n` open at once on one connection are rejected. */
  setMaxChannels(n: number): void {
    if (!(n >= 0)) throw new Error('max channels must be >= 0');
    this.maxChannels = n;
  }

  get channelLimit(): number {
    return this.maxChannels;
  }

  /** Shrinks the pool so that no free space is left (existing files keep their sizes). */
  async runOutOfSpace(): Promise<void> {
    await this.poolControl.fillPool();
  }

  async setPoolSize(bytes: number): Promise<void> {
    await this.poolControl.setPoolSize(bytes);
  }

  /** Clears every fault and restores the pool size the simulator was started with. */
  async reset(): Promise<void> {
    this.latencyMs = 0;
    this.latencyByPrefix.clear();
    this.failAt.clear();
    this.matchRules.length = 0;
    this.dropAt.clear();
    this.hangAt.clear();
    this.maxChannels = Number.POSITIVE_INFINITY;
    await this.poolControl.restorePool();
  }

  /** Called once per incoming request. */
  decide(command: string): FaultDecision {
    this.seen += 1;
    const n = this.seen;
    const trimmed = command.trim();
    let latencyMs = this.latencyMs;
    for (const [prefix, ms] of this.latencyByPrefix) if (trimmed.startsWith(prefix)) latencyMs = ms;
    const decision: FaultDecision = { latencyMs };
    if (this.hangAt.delete(n)) decision.hang = true;
    const drop = this.dropAt.get(n);
    if (drop !== undefined) {
      this.dropAt.delete(n);
      decision.drop = { applyBeforeDrop: drop };
    }
    const failure = this.failAt.get(n) ?? this.matchRule(trimmed);
    this.failAt.delete(n);
    if (failure !== undefined) decision.failWith = failure;
    return decision;
  }

  private matchRule(command: string): string | undefined {
    const rule = this.matchRules.find((r) => r.remaining > 0 && r.test(command));
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    return rule.errorText;
  }

  private target(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new Error('n must be a positive integer');
    return this.seen + n;
  }
}
