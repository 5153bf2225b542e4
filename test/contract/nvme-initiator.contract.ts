import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, DeviceNotReadyError, InvalidArgumentError } from '../../src/domain/errors.js';
import { parseNqn } from '../../src/domain/nqn.js';
import type { NvmeInitiator, NvmeTarget } from '../../src/ports/nvme-initiator.js';

export interface InitiatorHarness {
  readonly initiator: NvmeInitiator;
  /** The managed NQN prefix the initiator was configured with. */
  readonly prefix: string;
  /** A distinct, connectable, managed target per index. */
  target(index: number): Promise<NvmeTarget>;
  /** Number of host commands run so far. */
  commandCount(): number;
  cleanup(): Promise<void>;
}

/** The NvmeInitiator contract, run against every implementation. */
export function nvmeInitiatorContract(name: string, create: () => Promise<InitiatorHarness>): void {
  describe(`NvmeInitiator contract: ${name}`, () => {
    let h: InitiatorHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    it('connects, resolves the same device, and lists the subsystem', async () => {
      const target = await h.target(1);
      const { devicePath } = await h.initiator.connect(target);
      expect(devicePath).toMatch(/\/(nvme\d+n\d+|loop\d+)$/);
      expect(await h.initiator.resolveDevice(target.nqn)).toBe(devicePath);
      expect(await h.initiator.list()).toContainEqual({ nqn: target.nqn, devicePath });
    });

    it('is idempotent: a second connect returns the existing device and attaches nothing new', async () => {
      const target = await h.target(1);
      const first = await h.initiator.connect(target);
      const second = await h.initiator.connect(target);
      expect(second).toEqual(first);
      expect((await h.initiator.list()).filter((s) => s.nqn === target.nqn)).toHaveLength(1);
    });

    it('disconnects, and a second disconnect is a no-op', async () => {
      const target = await h.target(1);
      await h.initiator.connect(target);
      await h.initiator.disconnect(target.nqn);
      expect(await h.initiator.resolveDevice(target.nqn)).toBeUndefined();
      expect((await h.initiator.list()).map((s) => s.nqn)).not.toContain(target.nqn);
      await h.initiator.disconnect(target.nqn);
    });

    it('resolves nothing for a subsystem that was never connected', async () => {
      const target = await h.target(2);
      expect(await h.initiator.resolveDevice(target.nqn)).toBeUndefined();
    });

    it('refuses to connect, disconnect or rescan an NQN outside the managed prefix, running no command', async () => {
      const foreign = parseNqn('nqn.2024-01.org.nixos:node-7-root');
      const before = h.commandCount();
      const target = { ...(await h.target(1)), nqn: foreign };
      await expect(h.initiator.connect(target)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(h.initiator.disconnect(foreign)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(h.initiator.rescan(foreign)).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(h.commandCount()).toBe(before);
    });

    it('fails to connect a managed NQN that no target exports', async () => {
      const target = await h.target(1);
      const missing = { ...target, nqn: parseNqn(`${h.prefix}never-exported`) };
      await expect(h.initiator.connect(missing)).rejects.toBeInstanceOf(BackendUnavailableError);
      expect(await h.initiator.resolveDevice(missing.nqn)).toBeUndefined();
    });

    it('connects different subsystems concurrently, each to its own device', async () => {
      const targets = await Promise.all([1, 2, 3, 4].map((i) => h.target(i)));
      const devices = await Promise.all(targets.map((t) => h.initiator.connect(t)));
      expect(new Set(devices.map((d) => d.devicePath)).size).toBe(4);
      for (const [i, t] of targets.entries()) expect(await h.initiator.resolveDevice(t.nqn)).toBe(devices[i]!.devicePath);
      await Promise.all(targets.map((t) => h.initiator.disconnect(t.nqn)));
      for (const t of targets) expect(await h.initiator.resolveDevice(t.nqn)).toBeUndefined();
    });

    it('serialises concurrent connects of one subsystem into one attachment', async () => {
      const target = await h.target(3);
      const results = await Promise.all([1, 2, 3].map(() => h.initiator.connect(target)));
      expect(new Set(results.map((r) => r.devicePath)).size).toBe(1);
      expect((await h.initiator.list()).filter((s) => s.nqn === target.nqn)).toHaveLength(1);
    });

    it('rescans a connected subsystem and refuses one that is not connected', async () => {
      const target = await h.target(1);
      await expect(h.initiator.rescan(target.nqn)).rejects.toBeInstanceOf(DeviceNotReadyError);
      await h.initiator.connect(target);
      await h.initiator.rescan(target.nqn);
    });

    it('leaves healthy managed connections alone when cleaning up orphans', async () => {
      const target = await h.target(1);
      const { devicePath } = await h.initiator.connect(target);
      const report = await h.initiator.cleanupOrphans();
      expect(report.failed).toEqual([]);
      expect(report.disconnected).toEqual([]);
      expect(await h.initiator.resolveDevice(target.nqn)).toBe(devicePath);
    });
  });
}
