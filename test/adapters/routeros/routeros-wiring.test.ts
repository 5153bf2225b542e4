import { Container } from 'inversify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RdsSimulator } from '../../../simulator/rds-simulator.js';
import { RouterOsConfig } from '../../../src/adapters/routeros/routeros-config.js';
import { RouterOsSession } from '../../../src/adapters/routeros/routeros-session.js';
import { RouterOsSshSession } from '../../../src/adapters/routeros/routeros-ssh-session.js';
import { RouterOsStorageBackend } from '../../../src/adapters/routeros/routeros-storage-backend.js';
import { SystemClock } from '../../../src/adapters/time/system-clock.js';
import { GiB } from '../../../src/domain/size.js';
import { Clock } from '../../../src/ports/clock.js';
import { Logger } from '../../../src/ports/logger.js';
import { StorageBackend } from '../../../src/ports/storage-backend.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { clientKey, configFor } from '../../support/routeros-sim-harness.js';

describe('inversify wiring of the RouterOS adapter', () => {
  it('resolves StorageBackend through the tokens and talks to RouterOS', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rds-csi-wiring-'));
    const sim = await RdsSimulator.start({ dataDir, poolSizeBytes: GiB, authorizedKeys: [clientKey.public] });
    const container = new Container();
    container.bind(RouterOsConfig).toConstantValue(configFor(sim));
    container.bind(Logger).toConstantValue(new RecordingLogger());
    container.bind(Clock).to(SystemClock).inSingletonScope();
    container.bind(RouterOsSession).to(RouterOsSshSession).inSingletonScope();
    container.bind(StorageBackend).to(RouterOsStorageBackend).inSingletonScope();
    try {
      const backend = container.get(StorageBackend);
      expect(backend).toBeInstanceOf(RouterOsStorageBackend);
      expect(await backend.probe()).toEqual({ reachable: true, version: '7.16' });
      expect(container.get(RouterOsSession).state).toBe('connected');
    } finally {
      await container.get(RouterOsSession).close();
      await sim.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
