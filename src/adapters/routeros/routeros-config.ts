import type { ServiceIdentifier } from 'inversify';

/** How to reach one RouterOS appliance over SSH. The private key and passphrase are never logged. */
export interface RouterOsConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** OpenSSH or PEM private key text (ed25519 or RSA). */
  readonly privateKey: string;
  readonly passphrase?: string;
  /** Pinned host key: `SHA256:…` fingerprint or an `ssh-ed25519 AAAA…` line. Required unless insecure. */
  readonly hostKey?: string;
  /** Accepts any host key; a warning is logged at every connect. For labs only. */
  readonly insecureSkipHostKeyCheck: boolean;
  /** Commands in flight at once on one connection (exec channels). */
  readonly maxConcurrentCommands: number;
  /** SSH connections used together (see RouterOsSessionPool); 1 when absent. */
  readonly connections?: number;
  /** A command with no answer after this long is abandoned (its channel closed). */
  readonly commandTimeoutMs: number;
  /** Bound for TCP connect plus SSH handshake and authentication. */
  readonly connectTimeoutMs: number;
  /** Reconnect backoff: first delay, and the cap it doubles up to (jittered). */
  readonly reconnectBaseMs?: number;
  readonly reconnectMaxMs?: number;
  /** Connection attempts one command makes before giving up with BackendUnavailableError. */
  readonly connectAttempts?: number;
}
export const RouterOsConfig = Symbol.for('rds-csi.RouterOsConfig') as ServiceIdentifier<RouterOsConfig>;

export const ROUTEROS_DEFAULTS = {
  port: 22,
  maxConcurrentCommands: 4,
  connections: 2,
  commandTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  reconnectBaseMs: 200,
  reconnectMaxMs: 10_000,
  connectAttempts: 3,
} as const;
