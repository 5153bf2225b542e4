import type { ServiceIdentifier } from 'inversify';
import type { CapacityPolicy } from '../../domain/capacity-range.js';
import type { ParameterDefaults } from './volume-parameters.js';

export interface ControllerSettings {
  /** RDS management address, echoed into the volume context as the Go driver does. */
  readonly rdsAddress: string;
  readonly defaults: ParameterDefaults;
  readonly capacity: CapacityPolicy;
  /** How long a Probe answer about the backend is reused, so Probe stays cheap. */
  readonly probeCacheMs: number;
}
export const ControllerSettings = Symbol.for('rds-csi.ControllerSettings') as ServiceIdentifier<ControllerSettings>;
