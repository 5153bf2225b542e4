import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Mutex } from 'async-mutex';
import { FileLock } from './sim-file-lock.js';
import { newState, parseState, type SimState } from './sim-state.js';

export interface StateInit {
  poolName?: string;
  /** Required when the data dir has no state yet; replaces the stored pool size otherwise. */
  poolSizeBytes?: number;
}

/**
 * `<dataDir>/state.json`, shared by every simulator process using the same data dir. Each transaction
 * takes an in-process mutex and the cross-process lock file, re-reads the state, and writes it back
 * atomically (temp file + rename) when the callback changed it.
 */
export class SimStateStore {
  private readonly mutex = new Mutex();
  private readonly lock: FileLock;
  private writes = 0;
  private readonly followers: Array<(state: SimState) => Promise<void>> = [];

  private constructor(readonly dataDir: string) {
    this.lock = new FileLock(join(dataDir, '.lock'));
  }

  get filesRoot(): string {
    return join(this.dataDir, 'files');
  }

  private get statePath(): string {
    return join(this.dataDir, 'state.json');
  }

  static async open(dataDir: string, init: StateInit): Promise<SimStateStore> {
    const store = new SimStateStore(dataDir);
    await mkdir(store.filesRoot, { recursive: true });
    await store.transaction(async (state, exists) => {
      if (state === undefined || !exists) {
        if (init.poolSizeBytes === undefined) throw new Error(`no simulator state in ${dataDir}: a pool size is required`);
        const fresh = newState(init.poolName ?? 'storage-pool', init.poolSizeBytes, Date.now());
        await mkdir(join(store.filesRoot, fresh.poolName), { recursive: true });
        return { state: fresh, result: undefined };
      }
      if (init.poolName !== undefined && init.poolName !== state.poolName) {
        throw new Error(`data dir holds pool ${state.poolName}, not ${init.poolName}`);
      }
      if (init.poolSizeBytes === undefined || init.poolSizeBytes === state.poolSizeBytes) return { result: undefined };
      return { state: { ...state, poolSizeBytes: init.poolSizeBytes }, result: undefined };
    });
    return store;
  }

  /** Runs `fn` on the current state under both locks; a returned `state` is persisted. */
  async transaction<T>(
    fn: (state: SimState | undefined, exists: boolean) => Promise<{ state?: SimState; result: T }>,
  ): Promise<T> {
    return this.mutex.runExclusive(async () => {
      const release = await this.lock.acquire();
      try {
        const current = await this.read();
        const { state, result } = await fn(current, current !== undefined);
        if (state !== undefined) {
          await this.write(state);
          for (const follow of this.followers) await follow(state);
        }
        return result;
      } finally {
        await release();
      }
    });
  }

  /**
   * Calls `follow` after each write, still under the locks, so what follows the state (the kernel
   * target's exports) changes in the same order as the state did. A failure fails the transaction's
   * caller; the state stays written and the next write tries again.
   */
  onWrite(follow: (state: SimState) => Promise<void>): void {
    this.followers.push(follow);
  }

  /** The state as last written; for tests and read-only helpers (no lock). */
  async snapshot(): Promise<SimState> {
    const state = await this.read();
    if (state === undefined) throw new Error('simulator state missing');
    return state;
  }

  private async read(): Promise<SimState | undefined> {
    try {
      return parseState(await readFile(this.statePath, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async write(state: SimState): Promise<void> {
    this.writes += 1;
    const temp = `${this.statePath}.${process.pid}.${this.writes}.tmp`;
    await writeFile(temp, JSON.stringify(state));
    await rename(temp, this.statePath);
  }
}
