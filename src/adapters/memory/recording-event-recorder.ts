import { injectable } from 'inversify';
import type { EventRecorder, VolumeEvent } from '../../ports/event-recorder.js';

/** Keeps events in memory for assertions. */
@injectable()
export class RecordingEventRecorder implements EventRecorder {
  readonly events: VolumeEvent[] = [];

  record(event: VolumeEvent): void {
    this.events.push(event);
  }
}
