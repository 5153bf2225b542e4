import { BackendRejectedError } from '../../domain/errors.js';
import type { Logger } from '../../ports/logger.js';
import { CommandDeliveryError } from './routeros-delivery-error.js';
import { describeParseError } from './routeros-parse-result.js';
import type { ParseResult } from './routeros-parse-result.js';
import { classifyCommandResult } from './routeros-result-classification.js';
import type { CommandOutcome } from './routeros-result-classification.js';
import type { RouterOsSession } from './routeros-session.js';

/**
 * The retry policy of the storage backend, on top of a RouterOsSession (which itself re-sends only
 * what surely was not delivered):
 * - reads are repeated once when the connection was lost while they ran (they have no effect);
 * - writes are never re-sent blindly: when the connection was lost while a write ran, `verify` reads the
 *   appliance to learn whether the write took effect; only if it did not is the write sent once more;
 * - a timed-out command is not repeated (it may still be running on the appliance); the caller gets
 *   BackendUnavailableError and retries at its own level, where operations are idempotent.
 */
export class RouterOsCommandRunner {
  constructor(
    private readonly session: RouterOsSession,
    private readonly log: Logger,
  ) {}

  /** Runs a read; returns stdout of a successful command, throws BackendRejectedError on a failed one. */
  async read(command: string, signal?: AbortSignal): Promise<string> {
    const result = await this.once(command, signal).catch(async (error: unknown) => {
      if (!isLostConnection(error)) throw error;
      this.log.info('repeating a RouterOS read after the connection was lost', { command: verbOf(command) });
      return this.once(command, signal);
    });
    const outcome = classifyCommandResult(result);
    if (outcome.kind === 'failed') throw new BackendRejectedError(`RouterOS refused "${verbOf(command)}"`, outcome.text);
    return result.stdout;
  }

  async readParsed<T>(command: string, parse: (output: string) => ParseResult<T>, signal?: AbortSignal): Promise<T> {
    const output = await this.read(command, signal);
    const parsed = parse(output);
    if (!parsed.ok) {
      throw new BackendRejectedError(`unexpected RouterOS output for "${verbOf(command)}"`, describeParseError(parsed.error));
    }
    return parsed.value;
  }

  /** Runs a write and returns its classified outcome; see the class comment for the lost-connection case. */
  async write(command: string, verify: () => Promise<boolean>, signal?: AbortSignal): Promise<CommandOutcome> {
    try {
      return classifyCommandResult(await this.once(command, signal));
    } catch (error) {
      if (!isLostConnection(error)) throw error;
      if (await verify()) {
        this.log.info('a RouterOS write took effect although its answer was lost', { command: verbOf(command) });
        return { kind: 'ok' };
      }
      this.log.info('repeating a RouterOS write that did not take effect', { command: verbOf(command) });
      return classifyCommandResult(await this.once(command, signal));
    }
  }

  private once(command: string, signal?: AbortSignal) {
    return this.session.run(command, signal ? { signal } : {});
  }
}

function isLostConnection(error: unknown): boolean {
  return error instanceof CommandDeliveryError && error.failure === 'connection-lost';
}

/** The command's menu and verb (e.g. `/disk add`), safe for logs and metrics. */
export function verbOf(command: string): string {
  return command.split(' ').slice(0, 2).join(' ');
}
