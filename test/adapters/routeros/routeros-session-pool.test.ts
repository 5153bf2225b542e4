import { describe, expect, it } from 'vitest';
import { RouterOsSessionPool } from '../../../src/adapters/routeros/routeros-session-pool.js';
import type { CommandResult, RouterOsSession, SessionState } from '../../../src/adapters/routeros/routeros-session.js';

/** A session whose commands stay in flight until the test finishes them. */
class HeldSession implements RouterOsSession {
  readonly pending: { command: string; finish: () => void }[] = [];
  state: SessionState = 'idle';
  reconnectCount = 0;
  closed = false;

  run(command: string): Promise<CommandResult> {
    this.state = 'connected';
    return new Promise((resolve) => {
      const entry = {
        command,
        finish: () => {
          this.pending.splice(this.pending.indexOf(entry), 1);
          resolve({ stdout: command, stderr: '', exitCode: 0 });
        },
      };
      this.pending.push(entry);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.state = 'closed';
  }
}

const commands = (s: HeldSession) => s.pending.map((p) => p.command);

describe('RouterOsSessionPool', () => {
  it('fills the first connection’s channels before using the next, then the least busy one', async () => {
    const [a, b] = [new HeldSession(), new HeldSession()];
    const pool = new RouterOsSessionPool([a, b], 2);
    const runs = ['c1', 'c2', 'c3', 'c4', 'c5'].map((c) => pool.run(c));
    // c5 finds no free channel: it waits on the least busy connection (the first, on a tie).
    expect(commands(a)).toEqual(['c1', 'c2', 'c5']);
    expect(commands(b)).toEqual(['c3', 'c4']);
    b.pending[0]!.finish();
    expect((await runs[2])!.stdout).toBe('c3');
    const sixth = pool.run('c6');
    expect(commands(b)).toEqual(['c4', 'c6']);
    for (const s of [a, b]) while (s.pending.length > 0) s.pending[0]!.finish();
    expect((await Promise.all([...runs, sixth])).map((r) => r.stdout)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  });

  it('keeps one connection while the load fits its channels', async () => {
    const [a, b] = [new HeldSession(), new HeldSession()];
    const pool = new RouterOsSessionPool([a, b], 4);
    for (let i = 0; i < 3; i += 1) {
      const run = pool.run(`c${i}`);
      a.pending[0]!.finish();
      await run;
    }
    expect(b.state).toBe('idle');
    expect(pool.state).toBe('connected');
  });

  it('reports the best member state, the sum of reconnects, and closes every member', async () => {
    const [a, b] = [new HeldSession(), new HeldSession()];
    const pool = new RouterOsSessionPool([a, b], 1);
    expect(pool.state).toBe('idle');
    b.state = 'connecting';
    expect(pool.state).toBe('connecting');
    a.reconnectCount = 2;
    b.reconnectCount = 3;
    expect(pool.reconnectCount).toBe(5);
    await pool.close();
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(pool.state).toBe('closed');
  });
});
