import { readFile, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SpawnCommandRunner } from '../../../src/adapters/process/spawn-command-runner.js';
import { AbortedByCallerError, HostCommandTimeoutError, InvalidArgumentError } from '../../../src/domain/errors.js';

const runner = new SpawnCommandRunner({ maxOutputBytes: 64 * 1024 });
const limit = { timeoutMs: 10_000 };

/** True once the process is gone or a zombie (killed; only waiting to be reaped by its new parent). */
async function isDead(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

describe('SpawnCommandRunner', () => {
  it('passes arguments verbatim, without a shell', async () => {
    const result = await runner.run(['printf', '%s|%s', 'a b; echo injected', '$(id) `id` *'], limit);
    expect(result).toEqual({ exitCode: 0, stdout: 'a b; echo injected|$(id) `id` *', stderr: '' });
  });

  it('reports non-zero exits and stderr as a result, not an error', async () => {
    const result = await runner.run(['sh', '-c', 'echo oops >&2; exit 3'], limit);
    expect(result).toEqual({ exitCode: 3, stdout: '', stderr: 'oops\n' });
  });

  it('reports death by signal as 128 + signal number', async () => {
    const result = await runner.run(['sh', '-c', 'kill -TERM $$'], limit);
    expect(result.exitCode).toBe(143);
  });

  it('reports a program that is not installed as exit code 127', async () => {
    const result = await runner.run(['rds-csi-no-such-program'], limit);
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('ENOENT');
  });

  it('feeds input on stdin and closes it', async () => {
    const result = await runner.run(['cat'], { ...limit, input: 'line one\nline two\n' });
    expect(result.stdout).toBe('line one\nline two\n');
  });

  it('closes stdin when there is no input, so readers do not wait', async () => {
    const result = await runner.run(['cat'], { timeoutMs: 5_000 });
    expect(result).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('starts from a minimal environment plus the given variables, never the driver environment', async () => {
    process.env.RDS_CSI_TEST_SECRET = 'do-not-leak';
    try {
      const result = await runner.run(['env'], { ...limit, env: { EXTRA: 'yes' } });
      const vars = result.stdout.trim().split('\n').sort();
      expect(vars.map((v) => v.split('=')[0])).toEqual(['EXTRA', 'LC_ALL', 'PATH']);
      expect(vars).toContain('LC_ALL=C');
      expect(result.stdout).not.toContain('do-not-leak');
    } finally {
      delete process.env.RDS_CSI_TEST_SECRET;
    }
  });

  it('bounds each output stream and marks the cut', async () => {
    const small = new SpawnCommandRunner({ maxOutputBytes: 1000 });
    const result = await small.run(['sh', '-c', 'head -c 200000 /dev/zero | tr "\\0" a; head -c 5000 /dev/zero >&2'], limit);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${'a'.repeat(1000)}\n[truncated 199000 bytes]`);
    expect(result.stderr.endsWith('\n[truncated 4000 bytes]')).toBe(true);
  });

  it('kills the whole process group when the time limit passes', async () => {
    const marker = `/tmp/rds-csi-runner-${process.pid}-${Date.now()}`;
    const started = runner.run(['sh', '-c', `sleep 60 & echo $! > ${marker}; wait`], { timeoutMs: 500 });
    await expect(started).rejects.toBeInstanceOf(HostCommandTimeoutError);
    const pid = Number((await readFile(marker, 'utf8')).trim());
    await rm(marker, { force: true });
    expect(pid).toBeGreaterThan(0);
    for (let i = 0; i < 100 && !(await isDead(pid)); i += 1) await delay(50);
    expect(await isDead(pid)).toBe(true);
  });

  it('kills the command and rejects when the caller aborts', async () => {
    const controller = new AbortController();
    const started = runner.run(['sleep', '60'], { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(started).rejects.toBeInstanceOf(AbortedByCallerError);
  });

  it('does not start a command whose signal is already aborted', async () => {
    await expect(runner.run(['true'], { ...limit, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedByCallerError);
  });

  it('refuses an empty argv, NUL bytes and a missing time limit', async () => {
    await expect(runner.run([], limit)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runner.run(['echo', 'a\0b'], limit)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runner.run(['true'], { timeoutMs: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
