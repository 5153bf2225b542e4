/** Every command-line flag of `rds-csi serve`, its environment variables and its default. */
export interface OptionSpec {
  readonly flag: string;
  /** Environment variables, in order of precedence; the flag beats them all. */
  readonly env: readonly string[];
  readonly boolean?: boolean;
  readonly defaultValue?: string;
  readonly help: string;
}

const env = (flag: string, ...aliases: string[]) => [`RDS_CSI_${flag.toUpperCase().replaceAll('-', '_')}`, ...aliases];

export const OPTIONS: readonly OptionSpec[] = [
  { flag: 'endpoint', env: env('endpoint', 'CSI_ENDPOINT'), defaultValue: 'unix:///csi/csi.sock', help: 'CSI socket, unix://PATH' },
  { flag: 'mode', env: env('mode'), defaultValue: 'all', help: 'controller, node or all' },
  { flag: 'node-id', env: env('node-id', 'NODE_ID'), help: 'this node (node and all modes); defaults to the host name' },
  { flag: 'driver-name', env: env('driver-name'), defaultValue: 'rds.csi.srvlab.io', help: 'CSI driver name' },
  { flag: 'rds-address', env: env('rds-address'), help: 'RDS management address (SSH)' },
  { flag: 'rds-port', env: env('rds-port'), defaultValue: '22', help: 'RDS SSH port' },
  { flag: 'rds-user', env: env('rds-user'), help: 'RouterOS user the driver logs in as (required in controller and all modes; least privilege, see docs/rds-preparation.md)' },
  { flag: 'rds-key-file', env: env('rds-key-file'), help: 'SSH private key file (ed25519 or RSA)' },
  { flag: 'rds-host-key', env: env('rds-host-key'), help: 'pinned RDS host key: SHA256:… fingerprint, key line, or a file holding one' },
  { flag: 'rds-max-commands', env: env('rds-max-commands'), defaultValue: '4', help: 'RouterOS commands in flight at once on each SSH connection (exec channels)' },
  { flag: 'rds-connections', env: env('rds-connections'), defaultValue: '2', help: 'SSH connections to the RDS; the second opens only when the first has all its channels busy' },
  { flag: 'rds-command-timeout', env: env('rds-command-timeout'), defaultValue: '30', help: 'seconds a RouterOS command may take before it is abandoned' },
  { flag: 'rds-insecure-skip-host-key-check', env: env('rds-insecure-skip-host-key-check'), boolean: true, help: 'accept any RDS host key (labs only; warns at every connect)' },
  { flag: 'volume-base-path', env: env('volume-base-path'), defaultValue: '/storage-pool/metal-csi', help: 'RDS directory for volume files' },
  { flag: 'nvme-address', env: env('nvme-address'), help: 'NVMe/TCP data address; defaults to --rds-address' },
  { flag: 'nvme-port', env: env('nvme-port'), defaultValue: '4420', help: 'NVMe/TCP port' },
  { flag: 'attachment-store', env: env('attachment-store'), defaultValue: 'kubernetes', help: 'kubernetes (PV annotations) or memory' },
  { flag: 'kubeconfig', env: env('kubeconfig', 'KUBECONFIG'), help: 'kubeconfig file; in-cluster config when absent' },
  { flag: 'metrics-address', env: env('metrics-address'), help: 'HOST:PORT for /metrics, /healthz and /readyz; off when absent' },
  { flag: 'log-level', env: env('log-level'), defaultValue: 'info', help: 'debug, info, warn or error' },
  { flag: 'embedded-rds', env: env('embedded-rds'), help: 'run the RDS simulator in-process with its data in DIR' },
  { flag: 'max-volumes-per-node', env: env('max-volumes-per-node'), help: 'attached volumes a node may hold; unlimited when absent' },
  { flag: 'migration-timeout', env: env('migration-timeout'), defaultValue: '300', help: 'default live-migration window in seconds, for volumes whose StorageClass sets no migrationTimeoutSeconds' },
  { flag: 'managed-nqn-prefix', env: env('managed-nqn-prefix', 'CSI_MANAGED_NQN_PREFIX'), defaultValue: 'nqn.2000-02.com.mikrotik:', help: 'node: only NQNs with this prefix are ever connected or disconnected' },
  { flag: 'node-state-dir', env: env('node-state-dir'), defaultValue: '/var/lib/rds-csi/node', help: 'node: where staged and published volumes are recorded' },
  { flag: 'kubelet-dir', env: env('kubelet-dir'), defaultValue: '/var/lib/kubelet', help: 'node: the kubelet root directory (checked by `rds-csi doctor` for shared mount propagation)' },
  { flag: 'default-fs-type', env: env('default-fs-type'), defaultValue: 'ext4', help: 'node: file system for volumes whose capability names none (ext4, xfs or ext3)' },
  { flag: 'reconcile-grace', env: env('reconcile-grace'), defaultValue: '120', help: 'seconds: an attachment younger than this when VolumeAttachments are listed is never cleared by a reconcile pass' },
  { flag: 'reconcile-interval', env: env('reconcile-interval'), defaultValue: '60', help: 'seconds between the leader\'s passes reconciling attachment records with VolumeAttachments' },
  { flag: 'leader-election-namespace', env: env('leader-election-namespace', 'POD_NAMESPACE'), defaultValue: 'rds-csi', help: 'namespace of the controller\'s leader Lease' },
  { flag: 'leader-election-lease-duration', env: env('leader-election-lease-duration'), defaultValue: '15', help: 'seconds without a renewal after which another replica takes over leadership' },
  { flag: 'leader-election-retry-period', env: env('leader-election-retry-period'), defaultValue: '2', help: 'seconds between the leader\'s renewals and the others\' checks; less than the lease duration' },
  { flag: 'leader-election-identity', env: env('leader-election-identity', 'POD_NAME'), help: 'this replica in the leader Lease; defaults to the host name (the pod name in Kubernetes)' },
  { flag: 'lock-wait', env: env('lock-wait'), defaultValue: '10', help: 'seconds a call waits for a busy volume before ABORTED' },
];
