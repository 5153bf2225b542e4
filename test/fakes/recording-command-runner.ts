import type { CommandOptions, CommandResult, CommandRunner } from '../../src/ports/command-runner.js';

/** Wraps a real CommandRunner and records every argv, to assert what ran (or that nothing did). */
export class RecordingCommandRunner implements CommandRunner {
  readonly calls: (readonly string[])[] = [];

  constructor(private readonly inner: CommandRunner) {}

  run(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
    this.calls.push([...argv]);
    return this.inner.run(argv, options);
  }
}
