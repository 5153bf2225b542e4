import { sanitiseBackendText } from './routeros-result-classification.js';

/** Turns an ssh2 connect failure into an operator-readable message. Never includes key material. */
export interface ConnectFailure {
  readonly message: string;
  /** Retrying cannot help until an operator changes something. */
  readonly permanent: boolean;
}

export interface ConnectContext {
  readonly where: string;
  readonly username: string;
  readonly connectTimeoutMs: number;
  readonly expectedFingerprint?: string;
  readonly presentedFingerprint?: string;
}

type SshError = Error & { code?: string; level?: string };

export function describeConnectError(error: SshError, ctx: ConnectContext): ConnectFailure {
  const { where } = ctx;
  if (ctx.expectedFingerprint && ctx.presentedFingerprint && ctx.expectedFingerprint !== ctx.presentedFingerprint) {
    return permanent(
      `host key mismatch for RouterOS at ${where}: expected ${ctx.expectedFingerprint}, ` +
        `presented ${ctx.presentedFingerprint}; refusing to connect (update the pinned host key only if the ` +
        `appliance's key really changed)`,
    );
  }
  if (error.level === 'client-authentication' || /authentication methods failed/i.test(error.message)) {
    return permanent(`RouterOS at ${where} rejected SSH public-key authentication for user "${ctx.username}"`);
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return transient(`RouterOS at ${where} refused the TCP connection (is its SSH service up on that port?)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return transient(`cannot resolve the RouterOS host name in ${where}`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return transient(`RouterOS at ${where} is unreachable (${error.code})`);
    case 'ECONNRESET':
      return transient(`RouterOS at ${where} reset the connection during the SSH handshake`);
  }
  if (error.level === 'client-timeout' || /timed out while waiting for handshake/i.test(error.message)) {
    return transient(`RouterOS at ${where} did not complete the SSH handshake within ${ctx.connectTimeoutMs} ms`);
  }
  return transient(`cannot connect to RouterOS at ${where}: ${redactKeyLike(error.message)}`);
}

/** ssh2 throws synchronously when the private key cannot be parsed or decrypted. */
export function describePrivateKeyError(error: unknown): ConnectFailure {
  const detail = error instanceof Error ? redactKeyLike(error.message) : 'unknown error';
  return permanent(`the configured SSH private key cannot be used (${detail}); check the key and its passphrase`);
}

/** Bounded, printable, and with anything that looks like encoded key material cut out. */
export function redactKeyLike(text: string): string {
  return sanitiseBackendText(text.replace(/-----[^-]*-----/g, '[pem]').replace(/[A-Za-z0-9+/=]{24,}/g, '[redacted]'), 200);
}

const permanent = (message: string): ConnectFailure => ({ message, permanent: true });
const transient = (message: string): ConnectFailure => ({ message, permanent: false });
