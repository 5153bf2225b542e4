import { performance } from 'node:perf_hooks';
import type { CommandOptions, CommandResult, CommandRunner } from '../../ports/command-runner.js';
import type { Logger } from '../../ports/logger.js';

/**
 * A CommandRunner that logs every host command at debug: its argument vector, exit code and how long
 * it took (or how it failed to finish). Output and standard input are never logged, only their sizes:
 * `input` may carry key material. Lines carry the CSI call's request ID through the log context.
 */
export class LoggedCommandRunner implements CommandRunner {
  private readonly log: Logger;

  constructor(
    private readonly inner: CommandRunner,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'host' });
  }

  async run(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
    const started = performance.now();
    const durationMs = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const result = await this.inner.run(argv, options);
      this.log.debug('host command', { argv: [...argv], exitCode: result.exitCode, durationMs: durationMs(), stdoutBytes: result.stdout.length, stderrBytes: result.stderr.length });
      return result;
    } catch (error) {
      this.log.debug('host command', { argv: [...argv], durationMs: durationMs(), error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }
}
