import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { backoffDelay } from '../time/backoff-delay.js';
import { apiStatus } from './kube-clients.js';
import type { KubeClients } from './kube-clients.js';

interface Listed<T> {
  readonly items: T[];
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
}

/** What an informer follows: a kind's list call and its watch path. */
export interface InformerSource<T> {
  /** For logs, e.g. "PersistentVolumes". */
  readonly what: string;
  /** e.g. /api/v1/persistentvolumes */
  readonly watchPath: string;
  list(limit: number, continueToken: string | undefined): Promise<Listed<T>>;
}

/** Called synchronously, in order, for what the informer sees. */
export interface InformerHandlers<T> {
  /** A complete list, current at `resourceVersion`. */
  replace(items: T[], resourceVersion: string): void;
  upsert(item: T): void;
  remove(item: T): void;
}

export interface InformerSettings {
  readonly pageSize: number;
  /** Backoff between failed lists or watches: first delay and cap (jittered, doubling). */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

interface WatchEnd {
  readonly expired: boolean;
  readonly resourceVersion: string;
  readonly error?: unknown;
}

type KubeObjectLike = { metadata?: { resourceVersion?: string } };

/**
 * Follows one kind with client-go informer semantics: a paginated list, then a watch from the
 * list's resourceVersion; a watch that ends is resumed from the last version seen; 410 Gone (too
 * old) makes it list again; failures back off with jitter. Runs until `stop`.
 */
export class KubeInformer<T extends KubeObjectLike> {
  private running = false;
  private watchAbort: AbortController | undefined;
  private readonly stopSignal = new AbortController();

  constructor(
    private readonly clients: KubeClients,
    private readonly source: InformerSource<T>,
    private readonly handlers: InformerHandlers<T>,
    private readonly settings: InformerSettings,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  /** Starts following; resolves after the first complete list, rejects if stopped before one. */
  start(): Promise<void> {
    if (this.running) throw new Error(`informer for ${this.source.what} already started`);
    this.running = true;
    return new Promise((resolve, reject) => {
      void this.run(resolve).finally(() => reject(new Error(`stopped following ${this.source.what}`)));
    });
  }

  stop(): void {
    this.stopSignal.abort();
    this.watchAbort?.abort();
  }

  private async run(synced: () => void): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let listed: { items: T[]; resourceVersion: string };
      try {
        listed = await this.listAll();
      } catch (error) {
        if (this.stopped) return;
        failures += 1;
        this.logger.warn(`could not list ${this.source.what}; retrying`, { error, attempt: failures });
        await this.pause(failures);
        continue;
      }
      // Stopped while the list was in flight: nothing more is reported, and start() rejects.
      if (this.stopped) return;
      this.handlers.replace(listed.items, listed.resourceVersion);
      let resourceVersion = listed.resourceVersion;
      failures = 0;
      synced();
      for (;;) {
        const started = this.clock.now();
        const end = await this.watchOnce(resourceVersion);
        if (this.stopped) return;
        if (end.expired) break;
        resourceVersion = end.resourceVersion;
        const quick = this.clock.now() - started < 1_000;
        if (end.error !== undefined || quick) {
          failures += 1;
          if (end.error !== undefined) this.logger.debug(`watch of ${this.source.what} failed; resuming`, { error: end.error });
          await this.pause(failures);
        } else {
          failures = 0;
        }
      }
      this.logger.debug(`watch of ${this.source.what} expired; listing again`);
    }
  }

  private async listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const items: T[] = [];
        let token: string | undefined;
        let resourceVersion = '';
        do {
          const page = await this.source.list(this.settings.pageSize, token);
          items.push(...page.items);
          token = page.metadata?.continue || undefined;
          resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        } while (token && !this.stopped);
        return { items, resourceVersion };
      } catch (error) {
        // An expired continue token: the list has to start over.
        if (apiStatus(error) === 410 && attempt < 5) continue;
        throw error;
      }
    }
  }

  private async watchOnce(fromResourceVersion: string): Promise<WatchEnd> {
    let last = fromResourceVersion;
    let expired = false;
    let failure: unknown;
    const abort = new AbortController();
    this.watchAbort = abort;
    if (this.stopped) abort.abort();
    // The server ends a watch after this; resuming then is normal.
    const timeoutSeconds = 240 + Math.floor(Math.random() * 120);
    const onEvent = (type: string, raw: unknown) => {
      const object = raw as T & { code?: number };
      if (type === 'ERROR') {
        if (object?.code === 410) expired = true;
        else failure = object;
        return;
      }
      if (type === 'ADDED' || type === 'MODIFIED') this.handlers.upsert(object);
      else if (type === 'DELETED') this.handlers.remove(object);
      last = object?.metadata?.resourceVersion || last;
    };
    try {
      await this.clients.watch(this.source.watchPath, { resourceVersion: fromResourceVersion, allowWatchBookmarks: true, timeoutSeconds }, onEvent, abort.signal);
    } catch (error) {
      if (apiStatus(error) === 410) expired = true;
      else failure ??= error;
    } finally {
      this.watchAbort = undefined;
    }
    return { expired, resourceVersion: last, ...(failure === undefined ? {} : { error: failure }) };
  }

  private get stopped(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private pause(failures: number): Promise<void> {
    const delay = backoffDelay(failures, this.settings.retryBaseMs, this.settings.retryMaxMs);
    return this.clock.sleep(delay, this.stopSignal.signal).catch(() => undefined);
  }
}
