import { status } from '@grpc/grpc-js';
import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AbortedByCallerError } from '../../domain/errors.js';
import { runWithLogContext } from '../logging/log-context.js';
import type { LogFields, Logger } from '../../ports/logger.js';
import type { Metrics } from '../../ports/metrics.js';
import { statusName, toGrpcFailure } from './status-mapping.js';

export interface RpcContext {
  /** Aborts when the caller cancels or the call's deadline passes. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

export interface RpcSpec<Req, Res> {
  readonly method: string;
  /** Identifies what the call is about, for the log line (volume ID, node ID…); never secrets. */
  readonly subject?: (request: Req) => LogFields;
  /** What the answer adds to the log line, e.g. the volume ID CreateVolume chose. */
  readonly outcome?: (response: Res) => LogFields;
  /** Logged at debug instead of info (Probe is called every few seconds). */
  readonly quiet?: boolean;
  readonly run: (request: Req, context: RpcContext) => Promise<Res>;
}

/**
 * Adapts an async handler to grpc-js. Each call gets a request ID and one structured log line with
 * method, subject, duration and gRPC code; domain errors map through the status table, anything else
 * becomes INTERNAL with a generic message while the cause goes to the log. Requests are never logged
 * whole, so secrets in them never reach a log.
 */
export function unaryRpc<Req, Res>(logger: Logger, spec: RpcSpec<Req, Res>, metrics?: Metrics): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback) => {
    const started = performance.now();
    const controller = new AbortController();
    const requestId = randomUUID();
    const fields: LogFields = { method: spec.method, ...safeSubject(spec, call.request) };
    const remaining = deadlineMs(call.getDeadline());
    const timer = remaining === undefined ? undefined : setTimeout(() => controller.abort(new AbortedByCallerError(`${spec.method} passed its deadline`)), remaining);
    // grpc-js also reports 'cancelled' once it has sent the status of a call that ended normally:
    // only a cancel before the answer aborts the work (and costs an error object).
    let answered = false;
    call.on('cancelled', () => {
      if (!answered) controller.abort(new AbortedByCallerError(`${spec.method} was cancelled by the caller`));
    });
    // The call's own logger is made only for a handler that logs (most do not); the final line names
    // the same fields directly.
    let rpcLogger: Logger | undefined;
    const context: RpcContext = {
      signal: controller.signal,
      get logger() {
        return (rpcLogger ??= logger.child(fields));
      },
    };
    // Every line logged while the call runs, by any component, carries its request ID, the final one too.
    // The answer goes out first: the call's line and metrics follow on the next turn of the event loop,
    // after the answer is written (they cost about a millisecond a call under QEMU), and say how long
    // the work took, not the logging.
    runWithLogContext({ requestId }, () => spec
      .run(call.request, context)
      .then(
        (response) => {
          const durationMs = elapsed(started);
          answered = true;
          callback(null, response);
          setImmediate(() => {
            const line = { ...fields, ...safeOutcome(spec, response), durationMs, code: 'OK' };
            metrics?.rpcCompleted(spec.method, 'OK', durationMs / 1000);
            if (spec.quiet) logger.debug('rpc', line);
            else logger.info('rpc', line);
          });
        },
        (error: unknown) => {
          const durationMs = elapsed(started);
          const failure = toGrpcFailure(error);
          answered = true;
          callback({ code: failure.code, details: failure.details });
          setImmediate(() => {
            const line = { ...fields, durationMs, code: statusName(failure.code), message: failure.details };
            metrics?.rpcCompleted(spec.method, line.code, durationMs / 1000);
            if (failure.code === status.INTERNAL) logger.error('rpc', { ...line, cause: error });
            else logger.warn('rpc', line);
          });
        },
      )
      .finally(() => clearTimeout(timer)));
  };
}

function safeSubject<Req, Res>(spec: RpcSpec<Req, Res>, request: Req): LogFields {
  try {
    return spec.subject ? spec.subject(request) : {};
  } catch {
    return {};
  }
}

function safeOutcome<Req, Res>(spec: RpcSpec<Req, Res>, response: Res): LogFields {
  try {
    return spec.outcome ? spec.outcome(response) : {};
  } catch {
    return {};
  }
}

function deadlineMs(deadline: Date | number): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
