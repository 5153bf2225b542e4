import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GiB, type SimEnv, execOn, startEnv } from './sim-test-env.js';

const add = (slot: string, size = '1G') => `/disk add type=file file-path=/storage-pool/csi/${slot}.img file-size=${size} slot=${slot}`;
let env: SimEnv;
beforeEach(async () => {
  env = await startEnv({ poolSizeBytes: 10 * GiB });
});
afterEach(async () => env.cleanup());

describe('latency', () => {
  it('adds injected latency to the execution time, globally or per command prefix', async () => {
    env.sim.faults.setLatency(120);
    await env.sim.execute('/system resource print');
    expect(env.sim.executionTimeMs()).toBeGreaterThanOrEqual(120);
    await env.sim.faults.reset();
    env.sim.clearLog();
    env.sim.faults.setLatency(150, '/disk add');
    await env.sim.execute('/disk print detail');
    expect(env.sim.executionTimeMs()).toBeLessThan(150);
    await env.sim.execute(add('a'));
    expect(env.sim.executionTimeMs()).toBeGreaterThanOrEqual(150);
    expect(env.sim.commandLog().map((r) => r.exitCode)).toEqual([0, 0]);
  });
});

describe('latency under concurrency', () => {
  it('delays each command on its own: others on the same connection run meanwhile, the state lock is not held', async () => {
    env.sim.faults.setLatency(2_000, '/disk add');
    env.sim.faults.setLatency(50, add('quick'));
    const client = await env.connect();
    let slowDone = false;
    const slow = execOn(client, add('slow')).finally(() => (slowDone = true));
    // Runs under the state lock: it could not finish while the slow add held it during its delay.
    expect((await execOn(client, '/disk print detail')).exitCode).toBe(0);
    expect((await execOn(client, add('quick'))).exitCode).toBe(0);
    expect(slowDone).toBe(false);
    expect(await env.sim.diskSlots()).toEqual(['quick']);
    expect((await slow).exitCode).toBe(0);
    expect(await env.sim.diskSlots()).toEqual(['quick', 'slow']);
  });
});

describe('injected failures', () => {
  it('fails the Nth command from now without executing it, honouring the variants', async () => {
    env.sim.faults.failNth(2, 'failure: disk is busy');
    expect((await env.sim.execute(add('a'))).exitCode).toBe(0);
    expect(await env.sim.execute(add('b'))).toEqual({ stdout: 'failure: disk is busy\r\n', stderr: '', exitCode: 1 });
    expect((await env.sim.execute(add('c'))).exitCode).toBe(0);
    expect(await env.sim.diskSlots()).toEqual(['a', 'c']);
    expect(env.sim.commandLog()[1]).toMatchObject({ command: add('b'), exitCode: 1, error: 'failure: disk is busy' });
    env.sim.setVariants({ errorStream: 'stderr' });
    env.sim.faults.failNth(1, 'failure: disk is busy');
    expect(await env.sim.execute('/disk print detail')).toEqual({ stdout: '', stderr: 'failure: disk is busy\r\n', exitCode: 1 });
  });

  it('fails commands matching a pattern a limited number of times', async () => {
    env.sim.faults.failMatching(/^\/disk add/, 'failure: execution error', 2);
    expect((await env.sim.execute(add('a'))).exitCode).toBe(1);
    expect((await env.sim.execute('/disk print detail')).exitCode).toBe(0);
    expect((await env.sim.execute(add('a'))).exitCode).toBe(1);
    expect((await env.sim.execute(add('a'))).exitCode).toBe(0);
    env.sim.faults.failMatching((c) => c.includes('slot=z'), 'failure: disk is busy');
    expect((await env.sim.execute(add('z'))).stdout).toBe('failure: disk is busy\r\n');
  });

  it('runs out of space until reset restores the configured pool size', async () => {
    await env.sim.faults.runOutOfSpace();
    expect((await env.sim.execute(add('a', '1M'))).stdout).toBe('failure: not enough space\r\n');
    await env.sim.faults.reset();
    expect((await env.sim.execute(add('a', '1M'))).exitCode).toBe(0);
    await env.sim.faults.setPoolSize(GiB);
    expect((await env.sim.execute(add('b', '1G'))).stdout).toBe('failure: not enough space\r\n');
  });
});

describe('connection faults over SSH', () => {
  async function execDuringDrop(applyBeforeDrop: boolean) {
    env.sim.faults.dropConnectionDuring(1, { applyBeforeDrop });
    const client = await env.connect();
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    client.on('error', () => undefined);
    const reply = await execOn(client, add('dropped'));
    await closed;
    return reply;
  }

  it('drops the TCP connection after applying the command (the nasty case, default)', async () => {
    const reply = await execDuringDrop(true);
    expect(reply.exitCode).toBeUndefined();
    expect(await env.sim.diskSlots()).toEqual(['dropped']);
    expect((await env.ssh('/disk print detail where slot=dropped')).stdout).toContain('slot="dropped"');
  });

  it('drops the TCP connection without applying the command when told', async () => {
    const reply = await execDuringDrop(false);
    expect(reply.exitCode).toBeUndefined();
    expect(await env.sim.diskSlots()).toEqual([]);
  });

  it('never answers a hung command while other channels keep working', async () => {
    env.sim.faults.hang(1);
    const client = await env.connect();
    let hungSettled = false;
    void execOn(client, add('hung')).finally(() => (hungSettled = true));
    const other = await execOn(client, '/disk print detail');
    expect(other.exitCode).toBe(0);
    expect(hungSettled).toBe(false);
    expect(env.sim.commandLog().map((r) => r.command)).toEqual(['/disk print detail']);
    expect(await env.sim.diskSlots()).toEqual([]);
  });

  it('rejects session channels beyond the configured limit', async () => {
    env.sim.faults.setMaxChannels(1);
    const sequential = await env.connect();
    for (let i = 0; i < 3; i += 1) expect((await execOn(sequential, '/disk print detail')).exitCode).toBe(0);
    env.sim.faults.hang(1);
    const client = await env.connect();
    void execOn(client, '/disk print detail').catch(() => undefined);
    await expect(execOn(client, '/disk print detail')).rejects.toThrow(/open failure|rejected|Channel/i);
  });
});

describe('connection faults through execute()', () => {
  it('rejects on a drop (after applying) and keeps a hung call pending until stop', async () => {
    env.sim.faults.dropConnectionDuring(1);
    await expect(env.sim.execute(add('a'))).rejects.toThrow(/connection drop/);
    expect(await env.sim.diskSlots()).toEqual(['a']);
    env.sim.faults.hang(1);
    const hung = env.sim.execute(add('b'));
    await env.sim.execute('/disk print detail');
    await env.sim.stop();
    await expect(hung).rejects.toThrow(/stopped/);
  });
});
