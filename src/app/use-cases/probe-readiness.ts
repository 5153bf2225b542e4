import { inject, injectable } from 'inversify';
import { AttachmentRepository } from '../../ports/attachment-repository.js';
import { Clock } from '../../ports/clock.js';
import { StorageBackend } from '../../ports/storage-backend.js';
import { ControllerSettings } from '../volumes/controller-settings.js';

export interface Readiness {
  readonly ready: boolean;
  readonly detail: string;
  readonly rdsVersion?: string;
}

/**
 * Whether the controller can serve: the attachment state is rebuilt and the RDS answers. Cheap: the
 * RDS answer is reused for a short while, and concurrent probes share one check. Never throws.
 */
@injectable()
export class ProbeReadiness {
  private cached: { at: number; answer: Promise<Readiness> } | undefined;

  constructor(
    @inject(StorageBackend) private readonly backend: StorageBackend,
    @inject(AttachmentRepository) private readonly attachments: AttachmentRepository,
    @inject(ControllerSettings) private readonly settings: ControllerSettings,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(): Promise<Readiness> {
    if (!this.attachments.isReady()) return { ready: false, detail: 'loading attachment records' };
    const now = this.clock.now();
    if (!this.cached || now - this.cached.at >= this.settings.probeCacheMs) {
      this.cached = { at: now, answer: this.check() };
    }
    return this.cached.answer;
  }

  private async check(): Promise<Readiness> {
    const probe = await this.backend.probe().catch((e: unknown) => ({ reachable: false, detail: String(e) }) as const);
    if (!probe.reachable) return { ready: false, detail: `RDS not reachable: ${probe.detail ?? 'no answer'}` };
    return probe.version ? { ready: true, detail: 'ok', rdsVersion: probe.version } : { ready: true, detail: 'ok' };
  }
}
