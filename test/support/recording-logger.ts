import { currentLogContext } from '../../src/adapters/logging/log-context.js';
import type { LogFields, Logger } from '../../src/ports/logger.js';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/**
 * A Logger that keeps every line in memory, children included, for assertions. Like PinoLogger it adds
 * the current log context (the CSI call's request ID) to every line.
 */
export class RecordingLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    private readonly base: LogFields = {},
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, fields: { ...currentLogContext(), ...this.base, ...fields } });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, fields: { ...currentLogContext(), ...this.base, ...fields } });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, fields: { ...currentLogContext(), ...this.base, ...fields } });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, fields: { ...currentLogContext(), ...this.base, ...fields } });
  }
  child(fields: LogFields): Logger {
    return new RecordingLogger(this.lines, { ...this.base, ...fields });
  }

  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((l) => l.level === level);
  }
  /** Every line rendered as JSON, for "this never appears in any log" assertions. */
  text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }
}
