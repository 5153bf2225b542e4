/**
 * Keys of the publish context ControllerPublishVolume returns and NodeStage reads: the one thing the
 * node plugin shares with the controller's publish, kept apart so the node does not load the use case.
 */
export const PUBLISH_CONTEXT = { nvmeAddress: 'nvmeAddress', nvmePort: 'nvmePort', nqn: 'nqn' } as const;
