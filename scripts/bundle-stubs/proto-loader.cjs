// Stands in for @grpc/proto-loader (and protobufjs, long, lodash.camelcase behind it) in the bundle.
// grpc-js requires it only to load channelz's and ORCA's .proto files at run time: for the admin
// channelz service, ORCA load reports ('grpc.server_call_metric_recording') and weighted round robin
// over xDS. The driver serves generated services and enables none of these, so the ~300 KB of
// parser stays out of every process; using one of them fails loudly here instead of silently.
'use strict';
function unavailable() {
  throw new Error('@grpc/proto-loader is not bundled: rds-csi enables no grpc-js feature that loads .proto files (channelz, ORCA)');
}
module.exports = { loadSync: unavailable, load: unavailable, fromJSON: unavailable };
