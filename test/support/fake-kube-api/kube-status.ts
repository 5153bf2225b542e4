/** Kubernetes `Status` objects shaped like the real API server's (metav1.Status, JSON). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: unknown[] };
}

/** Identifies the target of a request in error messages: plural resource name, API group, object name. */
export interface StatusTarget {
  resource: string;
  group: string;
  name?: string;
}

/** Thrown inside the fake; the HTTP layer turns it into a response with `status.code`. */
export class KubeStatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
  }
}

function failure(code: number, reason: string, message: string, t?: StatusTarget): KubeStatus {
  const status: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (t) status.details = { ...(t.name === undefined ? {} : { name: t.name }), group: t.group, kind: t.resource };
  return status;
}

/** `persistentvolumes "x"` or `leases.coordination.k8s.io "x"`, as the API server qualifies resources. */
function qualified(t: StatusTarget): string {
  const res = t.group === '' ? t.resource : `${t.resource}.${t.group}`;
  return t.name === undefined ? res : `${res} "${t.name}"`;
}

export const kubeStatus = {
  notFound: (t: StatusTarget) => failure(404, 'NotFound', `${qualified(t)} not found`, t),
  unknownPath: () => failure(404, 'NotFound', 'the server could not find the requested resource'),
  alreadyExists: (t: StatusTarget) => failure(409, 'AlreadyExists', `${qualified(t)} already exists`, t),
  conflict: (t: StatusTarget) =>
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(t)}: the object has been modified; ` +
        'please apply your changes to the latest version and try again',
      t,
    ),
  preconditionConflict: (t: StatusTarget, wanted: string, actual: string) =>
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(t)}: the ResourceVersion in the precondition (${wanted}) ` +
        `does not match the ResourceVersion in record (${actual}). The object might have been modified`,
      t,
    ),
  invalid: (t: StatusTarget, message: string) => failure(422, 'Invalid', message, t),
  badRequest: (message: string) => failure(400, 'BadRequest', message),
  unauthorized: () => failure(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (t: StatusTarget, verb: string, user: string) =>
    failure(
      403,
      'Forbidden',
      `${qualified(t)} is forbidden: User "${user}" cannot ${verb} resource "${t.resource}" ` +
        `in API group "${t.group}" at the cluster scope`,
      t,
    ),
  methodNotAllowed: (verb: string) =>
    failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${verb})`),
  unsupportedMediaType: (contentType: string) =>
    failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`),
  /** Answer to a list whose continue token is too old (real API: 410, reason Expired). */
  continueExpired: (continueToken?: string) => {
    const s = failure(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new ' +
        'list without the continue parameter, or use the continue token in this response to retrieve the ' +
        'remainder of the results.',
    );
    if (continueToken !== undefined) s.metadata.continue = continueToken;
    return s;
  },
  /** Watch ERROR event payload when the requested resourceVersion left the history window. */
  tooOldResourceVersion: (requested: string, oldest: number) =>
    failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`),
  serverError: (code: number, message: string) => failure(code, reasonForCode(code), message),
  success: (t: StatusTarget, uid: string | undefined): KubeStatus => ({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    code: 200,
    details: { name: t.name, group: t.group, kind: t.resource, ...(uid === undefined ? {} : { uid }) },
  }),
};

function reasonForCode(code: number): string {
  switch (code) {
    case 429:
      return 'TooManyRequests';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return 'InternalError';
  }
}
