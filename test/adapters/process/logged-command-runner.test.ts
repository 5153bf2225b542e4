import { describe, expect, it } from 'vitest';
import { HostCommandTimeoutError } from '../../../src/domain/errors.js';
import { LoggedCommandRunner } from '../../../src/adapters/process/logged-command-runner.js';
import { DEFAULT_COMMAND_RUNNER_SETTINGS, SpawnCommandRunner } from '../../../src/adapters/process/spawn-command-runner.js';
import { runWithLogContext } from '../../../src/adapters/logging/log-context.js';
import { RecordingLogger } from '../../support/recording-logger.js';

describe('LoggedCommandRunner around the real spawn runner', () => {
  const setup = () => {
    const logger = new RecordingLogger();
    return { logger, runner: new LoggedCommandRunner(new SpawnCommandRunner(DEFAULT_COMMAND_RUNNER_SETTINGS), logger) };
  };

  it('logs each command at debug with its argv, exit code, duration and output sizes, under the request ID', async () => {
    const { logger, runner } = setup();
    const result = await runWithLogContext({ requestId: 'req-1' }, () => runner.run(['sh', '-c', 'printf hello; printf oops >&2; exit 3'], { timeoutMs: 10_000 }));
    expect(result).toEqual({ exitCode: 3, stdout: 'hello', stderr: 'oops' });
    const [line, ...rest] = logger.lines;
    expect(rest).toEqual([]);
    expect(line!.level).toBe('debug');
    expect(line!.message).toBe('host command');
    expect(line!.fields).toMatchObject({ requestId: 'req-1', component: 'host', argv: ['sh', '-c', 'printf hello; printf oops >&2; exit 3'], exitCode: 3, stdoutBytes: 5, stderrBytes: 4 });
    expect(line!.fields['durationMs']).toBeGreaterThan(0);
  });

  it('never logs output or standard input, which may carry key material', async () => {
    const { logger, runner } = setup();
    await runner.run(['cat'], { timeoutMs: 10_000, input: 'PRIVATE-KEY-MATERIAL' });
    expect(logger.text()).not.toContain('PRIVATE-KEY-MATERIAL');
    expect(logger.lines[0]!.fields).toMatchObject({ stdoutBytes: 20 });
  });

  it('logs a command that did not finish and rethrows its error unchanged', async () => {
    const { logger, runner } = setup();
    const error = await runner.run(['sleep', '5'], { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostCommandTimeoutError);
    expect(logger.lines[0]!.fields).toMatchObject({ argv: ['sleep', '5'], error: (error as Error).message });
    expect(logger.lines[0]!.fields['exitCode']).toBeUndefined();
  });
});
