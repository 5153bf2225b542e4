import { spawn } from 'node:child_process';
import { inject, injectable } from 'inversify';
import type { ServiceIdentifier } from 'inversify';
import { AbortedByCallerError, HostCommandTimeoutError, InvalidArgumentError } from '../../domain/errors.js';
import type { CommandOptions, CommandResult, CommandRunner } from '../../ports/command-runner.js';
import { BoundedOutput } from './bounded-output.js';

export interface CommandRunnerSettings {
  /** Bytes kept of each of stdout and stderr; the rest is drained and counted. */
  readonly maxOutputBytes: number;
}
export const CommandRunnerSettings = Symbol.for('rds-csi.CommandRunnerSettings') as ServiceIdentifier<CommandRunnerSettings>;
export const DEFAULT_COMMAND_RUNNER_SETTINGS: CommandRunnerSettings = { maxOutputBytes: 1024 * 1024 };

const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * CommandRunner on child_process.spawn without a shell. Each command leads its own process group
 * (detached), so a timeout or abort kills the command and everything it started with one SIGKILL.
 */
@injectable()
export class SpawnCommandRunner implements CommandRunner {
  constructor(@inject(CommandRunnerSettings) private readonly settings: CommandRunnerSettings) {}

  async run(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
    const [program, ...args] = argv;
    if (program === undefined || program === '') throw new InvalidArgumentError('a command needs a program name');
    if (argv.some((a) => a.includes('\0'))) throw new InvalidArgumentError(`an argument of ${program} contains a NUL byte`);
    if (!(options.timeoutMs > 0)) throw new InvalidArgumentError(`${program} needs a positive time limit`);
    if (options.signal?.aborted) throw new AbortedByCallerError(`${program} was not started: cancelled`);

    const env = { PATH: process.env.PATH ?? FALLBACK_PATH, LC_ALL: 'C', ...options.env };
    // Without input, standard input is /dev/null rather than a pipe closed at once: the same EOF to
    // the program, one pipe and stream fewer per command (a node stage runs several).
    const input = options.input;
    const child = spawn(program, args, { detached: true, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], shell: false });
    const stdout = new BoundedOutput(this.settings.maxOutputBytes);
    const stderr = new BoundedOutput(this.settings.maxOutputBytes);
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE when the program does not read its input
      child.stdin.end(input);
    }

    return new Promise<CommandResult>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const killGroup = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is already gone.
        }
        child.stdout!.destroy();
        child.stderr!.destroy();
      };
      const timer = setTimeout(() => {
        killGroup();
        finish(() => reject(new HostCommandTimeoutError(program, options.timeoutMs)));
      }, options.timeoutMs);
      const onAbort = () => {
        killGroup();
        finish(() => reject(new AbortedByCallerError(`${program} was cancelled`)));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });

      child.on('error', (error: NodeJS.ErrnoException) => {
        // Not startable (ENOENT, EACCES): reported like a shell would, exit code 127.
        finish(() => resolve({ exitCode: 127, stdout: '', stderr: `${program}: ${error.code ?? error.message}` }));
      });
      child.on('close', (code, signal) => {
        const exitCode = code ?? (signal ? 128 + signalNumber(signal) : 1);
        finish(() => resolve({ exitCode, stdout: stdout.text(), stderr: stderr.text() }));
      });
    });
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

function signalNumber(signal: NodeJS.Signals): number {
  return SIGNALS[signal] ?? 0;
}
