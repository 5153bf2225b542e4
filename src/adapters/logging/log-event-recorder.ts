import { inject, injectable } from 'inversify';
import type { EventRecorder, VolumeEvent } from '../../ports/event-recorder.js';
import { Logger } from '../../ports/logger.js';

/** Without Kubernetes (the embedded default), events go to the log, where an operator still sees them. */
@injectable()
export class LogEventRecorder implements EventRecorder {
  constructor(@inject(Logger) private readonly logger: Logger) {}

  record(event: VolumeEvent): void {
    const fields = {
      reason: event.reason,
      ...(event.pvc ? { pvc: `${event.pvc.namespace}/${event.pvc.name}` } : {}),
      ...(event.volumeId ? { volumeId: event.volumeId } : {}),
      detail: event.message,
    };
    if (event.type === 'Warning') this.logger.warn('volume event', fields);
    else this.logger.info('volume event', fields);
  }
}
