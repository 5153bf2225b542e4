// Stands in for thread-stream in the bundle. pino requires it at load for transports (pino.transport,
// a worker thread per destination); the driver logs to stdout through pino.destination and starts no
// worker, so the worker's code stays out. Asking pino for a transport fails loudly here.
'use strict';
module.exports = class ThreadStream {
  constructor() {
    throw new Error('thread-stream is not bundled: rds-csi logs through pino.destination, not a transport');
  }
};
