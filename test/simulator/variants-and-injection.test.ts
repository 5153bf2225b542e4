import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GiB, type SimEnv, startEnv } from './sim-test-env.js';

let env: SimEnv;
beforeEach(async () => {
  env = await startEnv({ poolSizeBytes: 10 * GiB });
});
afterEach(async () => env.cleanup());

const commands = () => env.sim.commandLog().map((r) => r.command);

describe('output variants', () => {
  it('defaults to errors on stdout with exit 1 and silent empty removes', async () => {
    expect(await env.sim.execute('/disk add type=file')).toEqual({ stdout: 'failure: missing required parameters\r\n', stderr: '', exitCode: 1 });
    expect(await env.sim.execute('/disk remove [find slot=none]')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await env.sim.execute('/disk set [find slot=none] file-size=2G')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(await env.sim.execute('/file remove [find name="none"]')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('moves error text to stderr and the exit code to 0 when told', async () => {
    env.sim.setVariants({ errorStream: 'stderr', errorExitCode: 0 });
    expect(await env.sim.execute('/nope')).toEqual({ stdout: '', stderr: 'bad command name nope (line 1 column 2)\r\n', exitCode: 0 });
    expect(await env.sim.execute('/disk print detail; /nope')).toMatchObject({ stdout: expect.stringMatching(/^Flags: /), exitCode: 0 });
  });

  it('fails empty finds with no such item under the no-such-item variant', async () => {
    env.sim.setVariants({ emptyFindRemove: 'no-such-item' });
    const noItem = { stdout: 'failure: no such item\r\n', stderr: '', exitCode: 1 };
    expect(await env.sim.execute('/disk remove [find slot=none]')).toEqual(noItem);
    expect(await env.sim.execute('/disk set [find slot=none] file-size=2G')).toEqual(noItem);
    expect(await env.sim.execute('/file remove [find name="none"]')).toEqual(noItem);
  });

  it('refuses invalid variant values', () => {
    expect(() => env.sim.setVariants({ errorExitCode: 2 as 0 })).toThrow(/errorExitCode/);
  });
});

describe('script semantics: what runs and what is data', () => {
  it('runs ;-separated statements one by one, logging each, and stops at the first error', async () => {
    const r = await env.sim.execute('/disk print detail where slot="x"; /system reset; /disk print detail');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^Flags: [^\r\n]*\r\nbad command name reset \(line 1 column 44\)\r\n$/);
    expect(commands()).toEqual(['/disk print detail where slot="x"', '/system reset']);
  });

  it('keeps ; [ ] and newlines inside quotes as data of one statement', async () => {
    const r = await env.sim.execute('/disk print detail where slot="x; /system reset [/system reset]"');
    expect(r.exitCode).toBe(0);
    expect(commands()).toEqual(['/disk print detail where slot="x; /system reset [/system reset]"']);
  });

  it('runs bracket substitutions, bare or as $[ ] inside quotes, and logs them', async () => {
    await env.sim.execute('/disk print detail where slot=x[/system reset]');
    expect(commands()).toContain('/system reset');
    env.sim.clearLog();
    await env.sim.execute('/disk print detail where slot="x$[/system/resource/print]"');
    expect(commands()).toEqual(['/disk print detail where slot="x$[/system/resource/print]"', '/system/resource/print']);
  });

  it('does not log [find] substitutions as separate commands', async () => {
    await env.sim.execute('/disk remove [find slot=none]');
    expect(commands()).toEqual(['/disk remove [find slot=none]']);
  });

  it('rejects a script with a syntax error before running any of it', async () => {
    const r = await env.sim.execute('/disk add type=file file-path=/storage-pool/a.img file-size=1G slot=a; /disk print where slot=$x');
    expect(r.stdout).toMatch(/^syntax error \(line 1 column \d+\)\r\n$/);
    expect(await env.sim.diskSlots()).toEqual([]);
    expect(env.sim.commandLog()).toHaveLength(1);
  });

  it('keeps the effect of statements that ran before a failing one', async () => {
    await env.sim.execute('/disk add type=file file-path=/storage-pool/a.img file-size=1G slot=a; /nope');
    expect(await env.sim.diskSlots()).toEqual(['a']);
  });
});
