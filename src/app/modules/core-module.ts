import { ContainerModule } from 'inversify';
import { KeyedMutexLockManager, LockSettings } from '../../adapters/locking/keyed-mutex-lock-manager.js';
import { PromMetrics } from '../../adapters/metrics/prom-metrics.js';
import { SystemClock } from '../../adapters/time/system-clock.js';
import { Metrics } from '../../ports/metrics.js';
import { Clock } from '../../ports/clock.js';
import { LockManager } from '../../ports/lock-manager.js';
import { Logger } from '../../ports/logger.js';
import { AttachmentSettings } from '../attachments/attachment-settings.js';
import type { Config } from '../config.js';

/** Bindings every mode shares: logging, time, metrics, locks and the attachment settings. */
export function coreModule(config: Config, logger: Logger): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Logger).toConstantValue(logger);
    bind(Clock).to(SystemClock).inSingletonScope();
    bind(PromMetrics).toSelf().inSingletonScope();
    bind(Metrics).toService(PromMetrics);
    bind(LockSettings).toConstantValue({ waitMs: config.attachment.lockWaitMs });
    bind(LockManager).to(KeyedMutexLockManager).inSingletonScope();
    bind(AttachmentSettings).toConstantValue({
      policy: {
        maxMultiWriterNodes: config.attachment.maxMultiWriterNodes,
        dualAttachTimeoutMs: config.attachment.dualAttachTimeoutMs,
        ...(config.attachment.maxVolumesPerNode === undefined ? {} : { maxVolumesPerNode: config.attachment.maxVolumesPerNode }),
      },
      waitMs: config.attachment.lockWaitMs,
      writeTries: 6,
      reconcileGraceMs: config.attachment.reconcileGraceMs,
    });
  });
}
