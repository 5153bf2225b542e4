import { pino } from 'pino';
import type { Logger as PinoInstance } from 'pino';
import type { LogFields, Logger } from '../../ports/logger.js';
import { currentLogContext } from './log-context.js';
import { redactFields, redactText } from './redaction.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * JSON lines on a writable stream (stdout by default), one object per line, secrets redacted, level
 * names spelled out, and the fields of the current log context (runWithLogContext) on every line.
 * A line below the level costs no redaction: host commands and RouterOS commands log at debug.
 */
export class PinoLogger implements Logger {
  private constructor(private readonly target: PinoInstance) {}

  static create(options: { level: LogLevel; service: string; destination?: NodeJS.WritableStream }): PinoLogger {
    const instance = pino(
      {
        level: options.level,
        base: { service: options.service },
        timestamp: pino.stdTimeFunctions.isoTime,
        // "level":"info", as log pipelines expect, not pino's numbers.
        formatters: { level: (label) => ({ level: label }) },
        // The request ID of the CSI call this line is logged under, from wherever it is logged.
        mixin: () => redactFields(currentLogContext()),
      },
      options.destination ?? pino.destination({ sync: false }),
    );
    return new PinoLogger(instance);
  }

  debug(message: string, fields?: LogFields): void {
    if (this.target.isLevelEnabled('debug')) this.target.debug(fields ? redactFields(fields) : {}, redactText(message));
  }
  info(message: string, fields?: LogFields): void {
    if (this.target.isLevelEnabled('info')) this.target.info(fields ? redactFields(fields) : {}, redactText(message));
  }
  warn(message: string, fields?: LogFields): void {
    if (this.target.isLevelEnabled('warn')) this.target.warn(fields ? redactFields(fields) : {}, redactText(message));
  }
  error(message: string, fields?: LogFields): void {
    if (this.target.isLevelEnabled('error')) this.target.error(fields ? redactFields(fields) : {}, redactText(message));
  }
  child(fields: LogFields): Logger {
    return new PinoLogger(this.target.child(redactFields(fields)));
  }
  flush(): void {
    this.target.flush();
  }
}
