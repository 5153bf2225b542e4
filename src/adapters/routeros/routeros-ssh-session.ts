import { Semaphore } from 'async-mutex';
import { inject, injectable } from 'inversify';
import ssh2, { Client } from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { AbortedByCallerError, InvalidArgumentError } from '../../domain/errors.js';
import { Clock } from '../../ports/clock.js';
import { Logger } from '../../ports/logger.js';
import { acquireAbortable, raceAbort, sleepAbortable, throwIfAborted } from './routeros-abort.js';
import { backoffDelay } from '../time/backoff-delay.js';
import { ROUTEROS_DEFAULTS, RouterOsConfig } from './routeros-config.js';
import { describeConnectError, describePrivateKeyError, redactKeyLike } from './routeros-connect-errors.js';
import type { ConnectFailure } from './routeros-connect-errors.js';
import { CommandDeliveryError } from './routeros-delivery-error.js';
import { fingerprintOf, parseHostKeyPin } from './routeros-host-key.js';
import type { CommandResult, RouterOsSession, RunOptions, SessionState } from './routeros-session.js';

const CHANNEL_RETRY_BASE_MS = 25;

/**
 * Why ssh2 could not use `text` as a private key (unparsable, encrypted without a passphrase, a public
 * key), with anything key-like cut from the reason; undefined when it can. Checked before serving.
 */
export function privateKeyProblem(text: string, passphrase?: string): string | undefined {
  let parsed: ReturnType<typeof ssh2.utils.parseKey>;
  try {
    parsed = ssh2.utils.parseKey(text, passphrase);
  } catch (error) {
    return redactKeyLike(error instanceof Error ? error.message : 'unreadable key');
  }
  if (parsed instanceof Error) return redactKeyLike(parsed.message);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) return 'a public key, not a private key';
  return undefined;
}
const CHANNEL_RETRY_MAX_MS = 1_000;
const MAX_COMMAND_LENGTH = 4_096;

/**
 * The RouterOS session over one persistent SSH connection (the only file that imports ssh2).
 * - Lazy connect (or `connect()`), single-flight: concurrent callers share one attempt. Up to
 *   `connectAttempts` attempts per call with jittered exponential backoff between them; the failure count
 *   carries over between calls and resets on success. Host-key mismatch, a missing pin and rejected
 *   credentials are not retried within a call.
 * - Each command is one exec channel; at most `maxConcurrentCommands` are in flight. A channel the server
 *   refuses (per-connection channel limit) is retried with backoff until the command's timeout, since the
 *   command was not delivered; the other in-flight commands free channels meanwhile.
 * - A command without an answer after `commandTimeoutMs` has its channel closed and rejects (uncertain
 *   delivery). If nothing at all arrived on the connection since that command started, the connection is
 *   presumed dead and torn down (RouterOS ignores SSH keepalives, so this is the liveness signal).
 * - Never re-sends a command that may have been delivered; see CommandDeliveryError.delivery.
 * - Every ssh2 'error' event has a listener, so none becomes an uncaught exception.
 */
@injectable()
export class RouterOsSshSession implements RouterOsSession {
  private readonly semaphore: Semaphore;
  private readonly log: Logger;
  private readonly lifetime = new AbortController();
  private readonly inFlight = new Set<{ client: Client; lost: (why: string) => void }>();
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;
  private connectedBefore = false;
  private failures = 0;
  private reconnects = 0;
  private lastActivityAt = 0;

  constructor(
    @inject(RouterOsConfig) private readonly config: RouterOsConfig,
    @inject(Logger) logger: Logger,
    @inject(Clock) private readonly clock: Clock,
  ) {
    this.log = logger.child({ component: 'routeros-ssh', host: config.host, port: config.port });
    this.semaphore = new Semaphore(Math.max(1, config.maxConcurrentCommands));
  }

  get state(): SessionState {
    if (this.closed) return 'closed';
    if (this.client) return 'connected';
    return this.connecting ? 'connecting' : 'idle';
  }

  get reconnectCount(): number {
    return this.reconnects;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    await this.ensureConnected(signal);
  }

  async run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    if (command.length === 0 || command.length > MAX_COMMAND_LENGTH || !/^[\x20-\x7e]+$/.test(command)) {
      throw new InvalidArgumentError('refusing to send a RouterOS command with line breaks or non-printable characters');
    }
    const { signal } = options;
    throwIfAborted(signal);
    const timeoutMs = options.timeoutMs ?? this.config.commandTimeoutMs;
    const release = await acquireAbortable(this.semaphore, signal);
    try {
      return await this.deliver(command, timeoutMs, signal);
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.lifetime.abort();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 1_000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  /** Sends once; retries only what surely was not delivered (refused channel, stale connection). */
  private async deliver(command: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult> {
    const deadline = this.clock.now() + timeoutMs;
    let refusals = 0;
    let staleRetries = 1;
    for (;;) {
      const client = await this.ensureConnected(signal);
      try {
        return await this.exec(client, command, timeoutMs, signal);
      } catch (error) {
        if (!(error instanceof CommandDeliveryError) || error.delivery !== 'not-sent') throw error;
        if (error.failure === 'connect-failed' && staleRetries-- > 0) continue;
        if (error.failure !== 'channel-refused' || this.clock.now() >= deadline) throw error;
        refusals += 1;
        this.log.debug('RouterOS refused a command channel; waiting for a free one', { refusals });
        await sleepAbortable(this.clock, backoffDelay(refusals, CHANNEL_RETRY_BASE_MS, CHANNEL_RETRY_MAX_MS), signal);
      }
    }
  }

  private exec(client: Client, command: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const startedAt = this.clock.now();
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let channel: ClientChannel | undefined;
      let exitCode: number | undefined;
      let settled = false;
      const settle = (error: Error | undefined, result?: CommandResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.inFlight.delete(entry);
        if (error) {
          closeQuietly(channel);
          reject(error);
        } else resolve(result!);
      };
      const entry = {
        client,
        lost: (why: string) =>
          settle(new CommandDeliveryError(`the connection to RouterOS was lost during a command (${why})`, 'connection-lost')),
      };
      const onAbort = (): void => settle(new AbortedByCallerError('the caller cancelled the RouterOS command'));
      const timer = setTimeout(() => {
        settle(new CommandDeliveryError(`RouterOS did not answer within ${timeoutMs} ms`, 'timeout'));
        if (this.lastActivityAt <= startedAt) this.drop(client, 'a command timed out and the connection was silent');
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.inFlight.add(entry);
      try {
        client.exec(command, (error, ch) => {
          if (error) {
            const failure = this.client === client ? 'channel-refused' : 'connection-lost';
            settle(new CommandDeliveryError(`RouterOS refused a command channel: ${redactKeyLike(error.message)}`, failure));
            return;
          }
          if (settled) return closeQuietly(ch);
          channel = ch;
          ch.on('data', (data: Buffer) => {
            stdout.push(data);
            this.touch();
          });
          ch.stderr.on('data', (data: Buffer) => {
            stderr.push(data);
            this.touch();
          });
          ch.on('exit', (code: number | null) => {
            exitCode = code ?? undefined;
            this.touch();
          });
          ch.on('error', () => undefined); // 'close' follows and settles
          ch.stderr.on('error', () => undefined);
          ch.on('close', () => {
            if (exitCode === undefined) return entry.lost('channel closed without an exit status');
            const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
            settle(undefined, { stdout: text(stdout), stderr: text(stderr), exitCode });
          });
        });
      } catch (error) {
        settle(new CommandDeliveryError('not connected to RouterOS', 'connect-failed', { cause: error }));
      }
    });
  }

  private touch(): void {
    this.lastActivityAt = this.clock.now();
  }

  private ensureConnected(signal?: AbortSignal): Promise<Client> {
    if (this.closed) return Promise.reject(new CommandDeliveryError('the RouterOS session is closed', 'connect-failed'));
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.connecting = this.connectWithRetries().finally(() => {
        this.connecting = undefined;
      });
      this.connecting.catch(() => undefined);
    }
    return raceAbort(this.connecting, signal);
  }

  private async connectWithRetries(): Promise<Client> {
    const attempts = Math.max(1, this.config.connectAttempts ?? ROUTEROS_DEFAULTS.connectAttempts);
    const base = this.config.reconnectBaseMs ?? ROUTEROS_DEFAULTS.reconnectBaseMs;
    const cap = this.config.reconnectMaxMs ?? ROUTEROS_DEFAULTS.reconnectMaxMs;
    let last: CommandDeliveryError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.failures > 0) {
        await this.clock.sleep(backoffDelay(this.failures, base, cap), this.lifetime.signal).catch(() => undefined);
      }
      if (this.closed) break;
      try {
        const client = await this.connectOnce();
        this.failures = 0;
        return client;
      } catch (error) {
        last = error as CommandDeliveryError;
        this.failures += 1;
        this.log.warn('RouterOS connection attempt failed', { attempt, error: last.message });
        if (last.permanent) break;
      }
    }
    throw last ?? new CommandDeliveryError('the RouterOS session is closed', 'connect-failed');
  }

  private connectOnce(): Promise<Client> {
    const { host, port, username, connectTimeoutMs } = this.config;
    const where = `${host}:${port}`;
    const failed = (f: ConnectFailure, cause?: unknown) =>
      new CommandDeliveryError(f.message, 'connect-failed', { cause, permanent: f.permanent });
    let expected: string | undefined;
    if (this.config.insecureSkipHostKeyCheck) {
      this.log.warn('RouterOS host key is not verified (insecureSkipHostKeyCheck): the connection can be intercepted');
    } else {
      if (!this.config.hostKey) {
        const message = `refusing to connect to RouterOS at ${where}: no host key is pinned; set hostKey to its SHA256 fingerprint or public key line`;
        return Promise.reject(failed({ message, permanent: true }));
      }
      try {
        expected = parseHostKeyPin(this.config.hostKey).fingerprint;
      } catch (error) {
        return Promise.reject(failed({ message: `refusing to connect to RouterOS at ${where}: ${(error as Error).message}`, permanent: true }));
      }
    }
    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let presented: string | undefined;
      let settled = false;
      const fail = (error: CommandDeliveryError): void => {
        if (settled) return;
        settled = true;
        client.destroy();
        reject(error);
      };
      const describe = (error: Error) =>
        failed(describeConnectError(error, { where, username, connectTimeoutMs, expectedFingerprint: expected, presentedFingerprint: presented }), error);
      client.on('ready', () => {
        if (settled) return;
        if (this.closed) return fail(failed({ message: 'the RouterOS session is closed', permanent: true }));
        settled = true;
        this.onReady(client);
        resolve(client);
      });
      client.on('error', (error: Error) => {
        if (!settled) return fail(describe(error));
        this.log.warn('RouterOS connection error', { error: redactKeyLike(error.message) });
      });
      client.on('close', () => {
        fail(describe(new Error('the connection closed during the SSH handshake')));
        this.onClosed(client);
      });
      try {
        client.connect({
          host,
          port,
          username,
          privateKey: this.config.privateKey,
          ...(this.config.passphrase === undefined ? {} : { passphrase: this.config.passphrase }),
          readyTimeout: connectTimeoutMs,
          keepaliveInterval: 0, // RouterOS does not answer keepalive@openssh.com
          hostVerifier: (key: Buffer) => {
            presented = fingerprintOf(key);
            return expected === undefined || presented === expected;
          },
        });
      } catch (error) {
        fail(failed(describePrivateKeyError(error), undefined));
      }
    });
  }

  private onReady(client: Client): void {
    this.client = client;
    client.setNoDelay(true); // request/response traffic: Nagle would add a delayed-ACK wait per command
    this.touch();
    if (this.connectedBefore) {
      this.reconnects += 1;
      this.log.info('reconnected to RouterOS', { reconnects: this.reconnects });
    } else {
      this.log.info('connected to RouterOS', { username: this.config.username });
    }
    this.connectedBefore = true;
  }

  private onClosed(client: Client): void {
    if (this.client === client) {
      this.client = undefined;
      if (!this.closed) this.log.warn('RouterOS connection closed; the next command reconnects');
    }
    for (const entry of [...this.inFlight]) if (entry.client === client) entry.lost('connection closed');
  }

  private drop(client: Client, why: string): void {
    if (this.client !== client) return;
    this.log.warn('dropping the RouterOS connection', { why });
    this.client = undefined;
    client.destroy();
  }
}

function closeQuietly(channel: ClientChannel | undefined): void {
  try {
    channel?.close();
  } catch {
    // already closed
  }
}
