import { BackendUnavailableError } from '../../domain/errors.js';

/**
 * Why a command has no answer:
 * - 'connect-failed' / 'channel-refused': it never reached the appliance (delivery 'not-sent');
 * - 'connection-lost': the connection dropped after it was sent (delivery 'uncertain');
 * - 'timeout': no answer in time; it may still be running on the appliance (delivery 'uncertain').
 * `permanent` marks connect failures that retrying cannot fix without operator action (host key
 * mismatch, missing pin, rejected credentials, unusable private key).
 */
export type DeliveryFailure = 'connect-failed' | 'channel-refused' | 'connection-lost' | 'timeout';

export class CommandDeliveryError extends BackendUnavailableError {
  readonly delivery: 'not-sent' | 'uncertain';
  readonly permanent: boolean;

  constructor(
    message: string,
    readonly failure: DeliveryFailure,
    options: { cause?: unknown; permanent?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.delivery = failure === 'connect-failed' || failure === 'channel-refused' ? 'not-sent' : 'uncertain';
    this.permanent = options.permanent ?? false;
  }
}
