/**
 * Behaviours real hardware has not settled yet (routeros.md 3.4); the simulator can produce each.
 * - errorStream: where error text (`failure: …`, `syntax error …`, `bad command name …`) is written;
 * - errorExitCode: the exec exit status after an error;
 * - emptyFindRemove: what `remove`/`set` do when their `[find …]` matched nothing.
 */
export interface OutputVariants {
  errorStream: 'stdout' | 'stderr';
  errorExitCode: 0 | 1;
  emptyFindRemove: 'silent' | 'no-such-item';
}

export const DEFAULT_VARIANTS: Readonly<OutputVariants> = Object.freeze({
  errorStream: 'stdout',
  errorExitCode: 1,
  emptyFindRemove: 'silent',
});

export function mergeVariants(base: OutputVariants, patch: Partial<OutputVariants>): OutputVariants {
  const next = { ...base, ...patch };
  if (next.errorStream !== 'stdout' && next.errorStream !== 'stderr') throw new Error('errorStream must be stdout or stderr');
  if (next.errorExitCode !== 0 && next.errorExitCode !== 1) throw new Error('errorExitCode must be 0 or 1');
  if (next.emptyFindRemove !== 'silent' && next.emptyFindRemove !== 'no-such-item') {
    throw new Error('emptyFindRemove must be silent or no-such-item');
  }
  return next;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Output printed before the error, then the error line on the configured stream. */
export function errorResult(variants: OutputVariants, stdoutBefore: string, message: string): CommandResult {
  const line = `${message}\r\n`;
  return variants.errorStream === 'stdout'
    ? { stdout: stdoutBefore + line, stderr: '', exitCode: variants.errorExitCode }
    : { stdout: stdoutBefore, stderr: line, exitCode: variants.errorExitCode };
}
