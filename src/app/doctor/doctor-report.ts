import type { CheckResult } from './doctor-check.js';

/**
 * `STATUS  name  detail`, names padded to one column, and an indented `hint:` line under every WARN
 * and FAIL; then a one-line summary.
 */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(0, ...results.map((r) => r.name.length));
  const lines = results.flatMap((r) => {
    const line = `${r.status}  ${r.name.padEnd(width)}  ${r.detail}`;
    return r.hint && (r.status === 'WARN' || r.status === 'FAIL') ? [line, `      hint: ${r.hint}`] : [line];
  });
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  const summary = `${count('FAIL')} failed, ${count('WARN')} warnings, ${count('PASS')} passed, ${count('SKIP')} skipped`;
  return `${lines.join('\n')}\n${summary}\n`;
}

/** 1 when any check failed, else 0 (warnings and skipped checks do not fail). */
export function exitStatusOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'FAIL') ? 1 : 0;
}
