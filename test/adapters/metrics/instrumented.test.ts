import { describe, expect, it } from 'vitest';
import { RecordingMetrics } from '../../../src/adapters/memory/recording-metrics.js';
import { InstrumentedMounts } from '../../../src/adapters/mount/instrumented-mounts.js';
import { InstrumentedRouterOsSession } from '../../../src/adapters/routeros/instrumented-session.js';
import type { CommandResult, RouterOsSession } from '../../../src/adapters/routeros/routeros-session.js';
import { BackendUnavailableError, HostCommandError } from '../../../src/domain/errors.js';
import type { Mounts } from '../../../src/ports/mounts.js';

describe('instrumented adapters', () => {
  it('classifies RouterOS commands by verb and outcome and reports reconnections once', async () => {
    const replies: (CommandResult | Error)[] = [
      { stdout: '', stderr: '', exitCode: 0 },
      { stdout: 'failure: not enough space', stderr: '', exitCode: 1 },
      new BackendUnavailableError('down'),
    ];
    const inner = {
      state: 'connected' as const,
      reconnectCount: 0,
      async run() {
        const next = replies.shift()!;
        this.reconnectCount += 1;
        if (next instanceof Error) throw next;
        return next;
      },
      async close() {},
    } satisfies RouterOsSession & { reconnectCount: number };
    const metrics = new RecordingMetrics();
    const session = new InstrumentedRouterOsSession(inner, metrics);
    await session.run('/disk add type=file slot="a"');
    await session.run('/disk remove [find slot="a"]');
    await expect(session.run('/file print detail')).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(metrics.commands).toEqual([
      { verb: '/disk add', outcome: 'ok' },
      { verb: '/disk remove', outcome: 'failed' },
      { verb: '/file print', outcome: 'unavailable' },
    ]);
    expect(metrics.reconnects).toBe(3);
    expect(metrics.connected()).toBe(true);
  });

  it('counts mount operations by outcome and passes errors through', async () => {
    const failing = new HostCommandError('umount', 32, 'target is busy');
    const inner = {
      mount: async () => undefined,
      bind: async () => undefined,
      unmount: async () => Promise.reject(failing),
      listMounts: async () => [],
      findMount: async () => undefined,
      usage: async () => ({ totalBytes: 0, availableBytes: 0, usedBytes: 0, totalInodes: 0, freeInodes: 0, usedInodes: 0 }),
    } satisfies Mounts;
    const metrics = new RecordingMetrics();
    const mounts = new InstrumentedMounts(inner, metrics);
    expect(metrics.mountOperationsCounted).toBe(true);
    await mounts.mount('/dev/loop1', '/mnt/a', 'ext4', []);
    await mounts.bind('/mnt/a', '/mnt/b', true);
    await expect(mounts.unmount('/mnt/b')).rejects.toBe(failing);
    expect(metrics.mounts).toEqual([
      { operation: 'mount', outcome: 'ok' },
      { operation: 'bind', outcome: 'ok' },
      { operation: 'unmount', outcome: 'failed' },
    ]);
  });
});
