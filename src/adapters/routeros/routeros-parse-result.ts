/** Outcome of parsing RouterOS output. Parsers never throw: malformed input yields `ok: false`. */
export interface RouterOsParseError {
  readonly kind: 'parse-error';
  readonly reason: string;
  /** 1-based line of the output where the problem was found, when known. */
  readonly line?: number;
  /** The offending text, bounded and with control characters made visible. */
  readonly excerpt?: string;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: RouterOsParseError };

const EXCERPT_MAX = 120;

export function parsed<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function parseFailure<T>(reason: string, line?: number, text?: string): ParseResult<T> {
  const error: RouterOsParseError = {
    kind: 'parse-error',
    reason,
    ...(line === undefined ? {} : { line }),
    ...(text === undefined ? {} : { excerpt: excerptOf(text) }),
  };
  return { ok: false, error };
}

function excerptOf(text: string): string {
  const visible = JSON.stringify(text).slice(1, -1);
  return visible.length > EXCERPT_MAX ? `${visible.slice(0, EXCERPT_MAX)}…` : visible;
}

export function describeParseError(error: RouterOsParseError): string {
  const at = error.line === undefined ? '' : ` at line ${error.line}`;
  const what = error.excerpt === undefined ? '' : `: "${error.excerpt}"`;
  return `${error.reason}${at}${what}`;
}
