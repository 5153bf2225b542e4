import type { Logger } from '../../ports/logger.js';
import { redactKeyLike } from './routeros-connect-errors.js';
import { redactRouterOsCommand } from './routeros-command-redaction.js';
import { classifyCommandResult } from './routeros-result-classification.js';
import type { CommandResult, RouterOsSession, RunOptions, SessionState } from './routeros-session.js';

/**
 * A RouterOsSession that logs every command at debug: its text (secret-named arguments redacted), how
 * long it took and how it ended (ok, failed with RouterOS's reason, or not answered). Output is never
 * logged, only its size. Lines carry the CSI call's request ID through the log context.
 */
export class LoggedRouterOsSession implements RouterOsSession {
  private readonly log: Logger;

  constructor(
    private readonly inner: RouterOsSession,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'routeros' });
  }

  get state(): SessionState {
    return this.inner.state;
  }

  get reconnectCount(): number {
    return this.inner.reconnectCount;
  }

  async run(command: string, options?: RunOptions): Promise<CommandResult> {
    const started = performance.now();
    const shown = redactRouterOsCommand(command);
    const durationMs = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const result = await this.inner.run(command, options);
      const outcome = classifyCommandResult(result);
      this.log.debug('routeros command', {
        command: shown,
        durationMs: durationMs(),
        outcome: outcome.kind,
        exitCode: result.exitCode,
        outputBytes: result.stdout.length,
        ...(outcome.kind === 'failed' ? { reason: outcome.reason, detail: redactRouterOsCommand(redactKeyLike(outcome.text)) } : {}),
      });
      return result;
    } catch (error) {
      const message = error instanceof Error ? redactRouterOsCommand(redactKeyLike(error.message)) : 'unknown error';
      this.log.debug('routeros command', { command: shown, durationMs: durationMs(), outcome: 'error', error: message });
      throw error;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
