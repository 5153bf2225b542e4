/** One executed RouterOS statement (or a request refused before execution). */
export interface CommandRecord {
  command: string;
  /** Epoch ms when execution started. */
  at: number;
  /** Execution time of this statement, lock wait included, injected latency excluded. */
  durationMs: number;
  exitCode: number;
  /** The RouterOS error text when the statement failed. */
  error?: string;
}

export interface OpenRecord {
  finish(exitCode: number, error?: string): void;
}

/**
 * Command log: each `;`-separated statement gets its own record, in the order statements started;
 * so does every `[...]` substitution that runs something other than `find`.
 */
export class CommandLog {
  private readonly records: CommandRecord[] = [];
  private injectedLatencyMs = 0;

  begin(command: string): OpenRecord {
    const started = performance.now();
    const record: CommandRecord = { command, at: Date.now(), durationMs: 0, exitCode: 0 };
    this.records.push(record);
    return {
      finish: (exitCode, error) => {
        record.durationMs = performance.now() - started;
        record.exitCode = exitCode;
        if (error !== undefined) record.error = error;
      },
    };
  }

  addInjectedLatency(ms: number): void {
    this.injectedLatencyMs += ms;
  }

  list(): readonly CommandRecord[] {
    return this.records.map((r) => Object.freeze({ ...r }));
  }

  clear(): void {
    this.records.length = 0;
    this.injectedLatencyMs = 0;
  }

  /** Total of all records' durations plus all latency injected by the fault injector. */
  totalMs(): number {
    return this.records.reduce((sum, r) => sum + r.durationMs, 0) + this.injectedLatencyMs;
  }
}
