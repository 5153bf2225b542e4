import type { Metrics } from '../../ports/metrics.js';
import type { CommandResult, RouterOsSession, RunOptions, SessionState } from './routeros-session.js';

/**
 * A RouterOsSession that times every command by its verb and outcome, and reports reconnections
 * and the connection state, around the real session.
 */
export class InstrumentedRouterOsSession implements RouterOsSession {
  private seenReconnects = 0;

  constructor(
    private readonly inner: RouterOsSession,
    private readonly metrics: Metrics,
  ) {
    metrics.observeRouterOsConnection(() => inner.state === 'connected');
  }

  get state(): SessionState {
    return this.inner.state;
  }

  get reconnectCount(): number {
    return this.inner.reconnectCount;
  }

  async run(command: string, options?: RunOptions): Promise<CommandResult> {
    const started = performance.now();
    const verb = command.split(' ').slice(0, 2).join(' ').slice(0, 32);
    try {
      const result = await this.inner.run(command, options);
      this.metrics.routerOsCommand(verb, result.exitCode === 0 && result.stderr === '' ? 'ok' : 'failed', (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.metrics.routerOsCommand(verb, 'unavailable', (performance.now() - started) / 1000);
      throw error;
    } finally {
      const delta = this.inner.reconnectCount - this.seenReconnects;
      if (delta > 0) {
        this.seenReconnects += delta;
        this.metrics.routerOsReconnected(delta);
      }
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
