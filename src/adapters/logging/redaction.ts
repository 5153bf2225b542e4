import type { LogFields } from '../../ports/logger.js';

const SECRET_KEY = /secret|private.?key|passphrase|password|token|credential/i;
const KEY_MATERIAL = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
export const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

/**
 * Returns a copy of `fields` safe to log: values under secret-looking keys are replaced, private key
 * blocks inside strings are cut out, bigints become strings, and Errors keep name, message and code.
 */
export function redactFields(fields: LogFields): Record<string, unknown> {
  return redactValue(fields, 0) as Record<string, unknown>;
}

export function redactText(text: string): string {
  return text.replace(KEY_MATERIAL, REDACTED);
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: redactText(value.message), ...(code === undefined ? {} : { code }) };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactValue(v, depth + 1);
  }
  return out;
}
