// Stands in for @opentelemetry/api in the bundle. prom-client requires it at load but calls it only
// for exemplars (a metric's enableExemplars), which the driver never turns on; the real package
// (51 modules, global registries set up at load) would sit in every process unused. Turning
// exemplars on fails loudly here.
'use strict';
function unavailable() {
  throw new Error('@opentelemetry/api is not bundled: rds-csi records no exemplars');
}
const api = { get: unavailable, active: unavailable, getSpan: unavailable };
module.exports = { trace: api, context: api };
