import type { CommandResult, RouterOsSession, RunOptions, SessionState } from './routeros-session.js';

/**
 * Several RouterOS sessions (SSH connections) used as one. A command goes to the first connection
 * with a free channel (each member admits `channelsPerConnection` commands at once), else to the
 * least busy one, where it waits for a channel. So a second connection is opened only when the first
 * one's channels are all busy, and an idle controller keeps a single connection.
 * Commands in flight at once: connections × channels, the only bound the driver puts on concurrency.
 */
export class RouterOsSessionPool implements RouterOsSession {
  private readonly busy: number[];

  constructor(
    private readonly members: readonly RouterOsSession[],
    private readonly channelsPerConnection: number,
  ) {
    if (members.length === 0) throw new Error('a RouterOS session pool needs at least one session');
    this.busy = members.map(() => 0);
  }

  get state(): SessionState {
    const states = this.members.map((m) => m.state);
    for (const s of ['connected', 'connecting', 'idle'] as const) if (states.includes(s)) return s;
    return 'closed';
  }

  get reconnectCount(): number {
    return this.members.reduce((sum, m) => sum + m.reconnectCount, 0);
  }

  async run(command: string, options?: RunOptions): Promise<CommandResult> {
    const i = this.pick();
    this.busy[i]! += 1;
    try {
      return await this.members[i]!.run(command, options);
    } finally {
      this.busy[i]! -= 1;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.close()));
  }

  private pick(): number {
    const free = this.busy.findIndex((n) => n < this.channelsPerConnection);
    if (free >= 0) return free;
    return this.busy.indexOf(Math.min(...this.busy));
  }
}
