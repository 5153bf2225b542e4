import { GiB } from '../../../src/domain/size.js';
import { storageBackendContract } from '../../contract/storage-backend.contract.js';
import { startHarness, stopHarness } from '../../support/routeros-sim-harness.js';

const poolBytes = 16 * GiB;

storageBackendContract('RouterOS over SSH to the RDS simulator', async () => {
  const harness = await startHarness({ poolSizeBytes: poolBytes });
  return { backend: harness.backend, poolBytes, dispose: () => stopHarness(harness) };
});
