import { type CommandResult, DEFAULT_VARIANTS, type OutputVariants, errorResult, mergeVariants } from './output-variants.js';
import { SimBackingFiles } from './sim-backing-files.js';
import { SimCommandEngine } from './sim-command-engine.js';
import { CommandLog } from './sim-command-log.js';
import { type SimState, poolFreeBytes } from './sim-state.js';
import { SimStateStore } from './sim-state-store.js';

export interface SimRouterOsOptions {
  dataDir: string;
  /** Required for a new data dir; otherwise replaces the stored pool size when given. */
  poolSizeBytes?: number;
  poolName?: string;
  routerOsVersion?: string;
  variants?: Partial<OutputVariants>;
}

/** The RouterOS side of the simulator without any transport: state, backing files, engine, log. */
export class SimRouterOs {
  readonly log = new CommandLog();
  private variants: OutputVariants;
  private readonly engine: SimCommandEngine;

  private constructor(
    readonly store: SimStateStore,
    readonly files: SimBackingFiles,
    options: SimRouterOsOptions,
  ) {
    this.variants = mergeVariants(DEFAULT_VARIANTS, options.variants ?? {});
    this.engine = new SimCommandEngine(
      store,
      files,
      { routerOsVersion: options.routerOsVersion ?? '7.16', startedAt: Date.now() },
      () => this.variants,
      this.log,
    );
  }

  static async open(options: SimRouterOsOptions): Promise<SimRouterOs> {
    if (options.poolSizeBytes !== undefined && !(Number.isSafeInteger(options.poolSizeBytes) && options.poolSizeBytes > 0)) {
      throw new Error('poolSizeBytes must be a positive whole number of bytes');
    }
    if (options.poolName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(options.poolName)) {
      throw new Error('poolName must be a simple directory name');
    }
    const store = await SimStateStore.open(options.dataDir, {
      ...(options.poolName !== undefined ? { poolName: options.poolName } : {}),
      ...(options.poolSizeBytes !== undefined ? { poolSizeBytes: options.poolSizeBytes } : {}),
    });
    return new SimRouterOs(store, new SimBackingFiles(store.filesRoot), options);
  }

  currentVariants(): OutputVariants {
    return this.variants;
  }

  setVariants(patch: Partial<OutputVariants>): void {
    this.variants = mergeVariants(this.variants, patch);
  }

  /** Runs a RouterOS script; internal failures (e.g. lock timeout) answer `failure: execution error`. */
  async run(command: string): Promise<CommandResult> {
    try {
      return await this.engine.run(command);
    } catch {
      return errorResult(this.variants, '', 'failure: execution error');
    }
  }

  /** An injected failure: logged like an executed command that failed, answered per the variants. */
  injectedFailure(command: string, errorText: string): CommandResult {
    this.log.begin(command.trim()).finish(this.variants.errorExitCode, errorText);
    return errorResult(this.variants, '', errorText);
  }

  async setPoolSize(bytes: number): Promise<void> {
    if (!(Number.isSafeInteger(bytes) && bytes >= 0)) throw new Error('pool size must be a whole number of bytes');
    await this.store.transaction(async (state) => ({ state: { ...state!, poolSizeBytes: bytes }, result: undefined }));
  }

  /** Sets the pool size to exactly what the existing files use: free space 0. */
  async fillPool(): Promise<void> {
    await this.store.transaction(async (state) => {
      const s = state!;
      return { state: { ...s, poolSizeBytes: s.poolSizeBytes - poolFreeBytes(s) }, result: undefined };
    });
  }

  state(): Promise<SimState> {
    return this.store.snapshot();
  }
}
