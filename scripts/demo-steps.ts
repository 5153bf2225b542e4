import type { ServiceError } from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';

/** Runs named steps in order, printing each with its result and time; undo steps run in reverse at the end. */
export class StepRunner {
  private readonly undo: { name: string; run: () => Promise<string> }[] = [];
  private count = 0;
  failed = false;

  constructor(private readonly write: (line: string) => void) {}

  /** Runs `run`, prints `N. name ... result (ms)`, and rethrows a failure after printing it. */
  async step<T>(name: string, run: () => Promise<T>, describe: (result: T) => string): Promise<T> {
    this.count += 1;
    const started = performance.now();
    try {
      const result = await run();
      this.write(formatStep(this.count, name, describe(result), performance.now() - started));
      return result;
    } catch (error) {
      this.failed = true;
      this.write(formatStep(this.count, name, `FAILED: ${failureText(error)}`, performance.now() - started));
      throw error;
    }
  }

  /** Registers how to take back what a step set up; teardown runs these newest first. */
  onTeardown(name: string, run: () => Promise<string>): void {
    this.undo.push({ name, run });
  }

  async teardown(): Promise<void> {
    for (const { name, run } of this.undo.reverse()) {
      await this.step(name, run, (r) => r).catch(() => undefined);
    }
    this.undo.length = 0;
  }
}

export function formatStep(n: number, name: string, result: string, ms: number): string {
  return `${String(n).padStart(2)}. ${name.padEnd(30)} ${result} (${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms)`;
}

/** A gRPC failure as `CODE: details`, anything else by its message. */
export function failureText(error: unknown): string {
  const e = error as Partial<ServiceError>;
  if (typeof e.code === 'number' && typeof e.details === 'string') return `gRPC ${e.code}: ${e.details}`;
  return error instanceof Error ? error.message : String(error);
}

export function formatBytes(bytes: bigint | number): string {
  const n = Number(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}
