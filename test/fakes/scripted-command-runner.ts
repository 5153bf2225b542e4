import { HostCommandTimeoutError } from '../../src/domain/errors.js';
import type { CommandOptions, CommandResult, CommandRunner } from '../../src/ports/command-runner.js';

/** A scripted answer: a result (missing fields default to exit 0 and empty output) or a timeout. */
export type ScriptedReply = Partial<CommandResult> | { readonly timeout: true };
export type ScriptedHandler = (argv: readonly string[], options: CommandOptions) => ScriptedReply | Promise<ScriptedReply>;

export interface RecordedCall {
  readonly argv: readonly string[];
  readonly options: CommandOptions;
}

interface Rule {
  readonly prefix: readonly string[];
  readonly handler: ScriptedHandler;
  readonly once: boolean;
}

/**
 * A CommandRunner that never starts a process: answers come from rules keyed by an argv prefix, and
 * every call is recorded. One-shot rules (`once`) are used first, in the order given; then the
 * persistent rule with the longest matching prefix. An unscripted command throws, so a test notices.
 */
export class ScriptedCommandRunner implements CommandRunner {
  readonly calls: RecordedCall[] = [];
  private rules: Rule[] = [];

  on(prefix: readonly string[], reply: ScriptedReply | ScriptedHandler): this {
    this.rules.push({ prefix, handler: toHandler(reply), once: false });
    return this;
  }

  once(prefix: readonly string[], reply: ScriptedReply | ScriptedHandler): this {
    this.rules.push({ prefix, handler: toHandler(reply), once: true });
    return this;
  }

  /** Calls whose argv starts with `prefix`. */
  callsTo(...prefix: string[]): RecordedCall[] {
    return this.calls.filter((c) => startsWith(c.argv, prefix));
  }

  async run(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
    this.calls.push({ argv: [...argv], options });
    const rule =
      this.rules.find((r) => r.once && startsWith(argv, r.prefix)) ??
      this.rules
        .filter((r) => !r.once && startsWith(argv, r.prefix))
        .sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (!rule) throw new Error(`unscripted command: ${JSON.stringify(argv)}`);
    if (rule.once) this.rules = this.rules.filter((r) => r !== rule);
    const reply = await rule.handler(argv, options);
    if ('timeout' in reply) throw new HostCommandTimeoutError(argv[0] ?? '', options.timeoutMs);
    return { exitCode: reply.exitCode ?? 0, stdout: reply.stdout ?? '', stderr: reply.stderr ?? '' };
  }
}

function toHandler(reply: ScriptedReply | ScriptedHandler): ScriptedHandler {
  return typeof reply === 'function' ? reply : () => reply;
}

function startsWith(argv: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((p, i) => argv[i] === p);
}
