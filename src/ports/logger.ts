import type { ServiceIdentifier } from 'inversify';

export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Structured logging. Messages are short and constant; variable data goes in `fields`. Callers never
 * pass secrets or key material; adapters additionally redact well-known secret field names.
 * Every method is synchronous, never throws and is safe to call concurrently.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line it writes. */
  child(fields: LogFields): Logger;
}
export const Logger = Symbol.for('rds-csi.Logger') as ServiceIdentifier<Logger>;
