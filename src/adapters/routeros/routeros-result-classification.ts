import type { CommandResult } from './routeros-session.js';

/**
 * Classifies a finished RouterOS command from its exit status AND its text, wherever RouterOS put it:
 * the appliance may report a failure on stdout or stderr, with exit status 0 or 1 (routeros.md 3.4).
 * - non-zero exit → failure;
 * - a line starting with a known failure marker on stderr or stdout → failure, even with exit 0;
 * - any other non-empty stderr → failure (nothing legitimate is expected there).
 * The failure reason then comes from the text: "not enough space" → capacity, "no such item" →
 * not-found (idempotent deletes treat it as done), anything else → rejected.
 */
export type FailureReason = 'not-enough-space' | 'no-such-item' | 'rejected';

export type CommandOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'failed'; readonly reason: FailureReason; readonly text: string };

export const MAX_BACKEND_TEXT = 300;

const FAILURE_LINE =
  /^\s*(failure:|error\b(?!=)|bad command name|syntax error|expected end of command|expected command name|input does not match|no such item|no such command|invalid\b(?!=)|ambiguous value|missing value|value of .* out of range|not enough permissions|could not|couldn't|action timed out)/im;

export function classifyCommandResult(result: CommandResult): CommandOutcome {
  const stderr = result.stderr.trim();
  const stdout = result.stdout.trim();
  const marked = [stderr, stdout].find((text) => FAILURE_LINE.test(text));
  if (result.exitCode !== 0) {
    return failed(marked ?? (stderr || stdout || `exit status ${String(result.exitCode)}`));
  }
  if (marked !== undefined) return failed(marked);
  if (stderr !== '') return failed(stderr);
  return { kind: 'ok' };
}

function failed(text: string): CommandOutcome {
  const clean = sanitiseBackendText(text);
  return { kind: 'failed', reason: reasonOf(clean), text: clean };
}

function reasonOf(text: string): FailureReason {
  if (/not enough (disk )?space|no space left/i.test(text)) return 'not-enough-space';
  if (/no such item/i.test(text)) return 'no-such-item';
  return 'rejected';
}

/** One line of printable text, bounded, suitable for an error message or a log field. */
export function sanitiseBackendText(text: string, max = MAX_BACKEND_TEXT): string {
  const oneLine = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
