import type { ServiceIdentifier } from 'inversify';

export interface CommandOptions {
  /**
   * Hard limit in milliseconds, required: no host command runs unbounded. When it passes, the whole
   * process group is killed (SIGKILL) and `run` rejects with HostCommandTimeoutError.
   */
  readonly timeoutMs: number;
  /** Aborting kills the process group; `run` then rejects with AbortedByCallerError. */
  readonly signal?: AbortSignal;
  /** Written to the command's standard input, which is then closed (closed at once when absent). */
  readonly input?: string;
  /** Added to a minimal environment (PATH and LC_ALL=C); the driver's own environment is not inherited. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface CommandResult {
  /**
   * The exit status. Shell conventions apply where there is none: 128 + signal number when the
   * process died of a signal, 127 when the program could not be started (not installed).
   */
  readonly exitCode: number;
  /** Output decoded as UTF-8 and bounded; overflow is cut and a `[truncated …]` marker appended. */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs host programs from argument vectors. `argv[0]` is the program (looked up on PATH), the rest are
 * passed verbatim: no shell ever sees them, so no quoting is needed and none is applied. Callers still
 * validate every value they place in `argv` (an argument starting with `-` is an option to the tool).
 *
 * A non-zero exit is a result, not an error: the caller interprets exit codes. Rejections:
 * HostCommandTimeoutError (time limit), AbortedByCallerError (signal), InvalidArgumentError (empty
 * argv or a NUL byte in an argument).
 *
 * Concurrency: any number of commands may run at once; each is independent.
 */
export interface CommandRunner {
  run(argv: readonly string[], options: CommandOptions): Promise<CommandResult>;
}
export const CommandRunner = Symbol.for('rds-csi.CommandRunner') as ServiceIdentifier<CommandRunner>;
