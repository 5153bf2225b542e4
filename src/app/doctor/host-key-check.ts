import { CHECK, fail, pass, warn } from './doctor-check.js';
import type { CheckResult } from './doctor-check.js';

export interface HostKeyFacts {
  /** The fingerprint the configuration pins (already normalised from a key line), if any. */
  readonly expected?: string;
  readonly insecure: boolean;
  /** The fingerprint the RDS presented during the handshake. */
  readonly presented: string;
}

const PRESENTED = /presented (SHA256:[A-Za-z0-9+/]{43})/;

/** The presented fingerprint from a RouterOsSshSession host-key-mismatch message, if it is one. */
export function presentedFingerprintIn(message: string): string | undefined {
  return /host key mismatch/.test(message) ? PRESENTED.exec(message)?.[1] : undefined;
}

export function evaluateHostKey(facts: HostKeyFacts): CheckResult {
  const { expected, presented } = facts;
  const pin = `set --rds-host-key ${presented} (or the Secret's rds-host-key) after confirming it from a trusted network: \`ssh-keyscan -p <port> <address> | ssh-keygen -lf -\``;
  if (facts.insecure) {
    return warn(CHECK.hostKey, `not verified (--rds-insecure-skip-host-key-check); the RDS presents ${presented}`, `for production, ${pin}`);
  }
  if (expected === undefined) return fail(CHECK.hostKey, `no host key is pinned; the RDS presents ${presented}`, pin);
  if (expected !== presented) {
    return fail(
      CHECK.hostKey,
      `mismatch: expected ${expected}, the RDS presents ${presented}`,
      'if the RDS was reinstalled or its SSH host key regenerated, update the pin; otherwise something else answers at this address (do not connect)',
    );
  }
  return pass(CHECK.hostKey, presented);
}
