import type { ProbeResult } from '../../ports/filesystems.js';

/** Parses `blkid -p -o export` output (exit code 0) into what the device holds. */
export function probeResultFromBlkid(stdout: string): ProbeResult {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const type = fields.get('TYPE');
  const usage = fields.get('USAGE');
  if (type && (usage === undefined || usage === 'filesystem')) return { kind: 'filesystem', fsType: type };
  if (type) return { kind: 'other', signature: `${type} (${usage})` };
  const ptType = fields.get('PTTYPE');
  if (ptType) return { kind: 'other', signature: `partition table ${ptType}` };
  const keys = [...fields.keys()].filter((k) => k !== 'DEVNAME');
  return { kind: 'other', signature: keys.length > 0 ? `unrecognised signature (${keys.join(', ')})` : 'unrecognised signature' };
}

export type E2fsckVerdict = { readonly ok: true; readonly outcome: 'clean' | 'repaired'; readonly rebootAdvised: boolean } | { readonly ok: false };

/**
 * e2fsck's exit status is a bit mask (e2fsck(8)): 1 errors corrected, 2 corrected and a reboot is
 * advised (matters for a mounted root fs, not for a volume about to be mounted), 4 errors left
 * uncorrected, 8 operational error, 16 usage error, 32 cancelled, 128 shared-library error.
 */
export function e2fsckVerdict(exitCode: number): E2fsckVerdict {
  if (exitCode >= 4 || exitCode < 0) return { ok: false };
  if (exitCode === 0) return { ok: true, outcome: 'clean', rebootAdvised: false };
  return { ok: true, outcome: 'repaired', rebootAdvised: (exitCode & 2) !== 0 };
}

/** The last lines of a tool's output, for an error message: enough to act on, never unbounded. */
export function toolDetail(primary: string, fallback = ''): string {
  const text = (primary.trim() || fallback.trim()).split('\n').slice(-5).join(' | ');
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
