import type { ServiceIdentifier } from 'inversify';

/** Output of one RouterOS command. `exitCode` is the SSH exit status (RouterOS may use 0 even on failure). */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface RunOptions {
  /** Aborting rejects with AbortedByCallerError; a command not yet sent is never sent. */
  readonly signal?: AbortSignal;
  /** Overrides the configured per-command timeout. */
  readonly timeoutMs?: number;
}

export type SessionState = 'idle' | 'connecting' | 'connected' | 'closed';

/**
 * A channel to one RouterOS appliance that runs single CLI commands. Not a port: the storage backend
 * depends on it so that tests can substitute the simulator's in-process `execute()`.
 *
 * `run` never retries a command that may have reached the appliance. It rejects with
 * - CommandDeliveryError (a BackendUnavailableError) when the command could not be delivered or its
 *   answer was lost; `delivery` says whether it may have run ('uncertain') or surely did not ('not-sent');
 * - AbortedByCallerError when the signal aborts;
 * - InvalidArgumentError when the command contains characters that are never sent (line breaks, …).
 * A command that ran and failed resolves normally; classify the result with classifyCommandResult.
 */
export interface RouterOsSession {
  run(command: string, options?: RunOptions): Promise<CommandResult>;
  close(): Promise<void>;
  readonly state: SessionState;
  /** Successful connections after the first one (for metrics). */
  readonly reconnectCount: number;
}
export const RouterOsSession = Symbol.for('rds-csi.RouterOsSession') as ServiceIdentifier<RouterOsSession>;
