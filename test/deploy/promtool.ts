import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** promtool from PATH (Debian's `prometheus` package); throws saying what to install when absent. */
export function promtoolPath(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'promtool');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('promtool not found on PATH: install the Debian package "prometheus" (apt-get install prometheus), as .ci/run does');
}

/** Runs promtool; resolves to its exit code and combined output. */
export function promtool(args: readonly string[]): { code: number; output: string } {
  const result = spawnSync(promtoolPath(), args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
