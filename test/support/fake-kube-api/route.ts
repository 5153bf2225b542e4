import { findResource, type ResourceDef } from './resource-table.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface Route {
  def: ResourceDef;
  /** Set for namespaced paths; absent for cluster-scoped ones and all-namespace lists. */
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

/**
 * Maps `/api/v1[/namespaces/{ns}]/{resource}[/{name}[/status]]` and the `/apis/{group}/{version}/…` form to a
 * resource. Returns undefined for paths the fake does not serve (answered 404 like an unknown path).
 */
export function parseRoute(pathname: string): Route | undefined {
  const segs = pathname.split('/');
  if (segs[0] !== '' || segs[segs.length - 1] === '') return undefined;
  let rest: string[];
  let prefix: string;
  if (segs[1] === 'api' && segs.length >= 4) {
    prefix = `api/${segs[2]}`;
    rest = segs.slice(3);
  } else if (segs[1] === 'apis' && segs.length >= 5) {
    prefix = `apis/${segs[2]}/${segs[3]}`;
    rest = segs.slice(4);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = decodeURIComponent(rest[1]!);
    rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  const def = findResource(prefix, rest[0]!);
  if (!def) return undefined;
  if (!def.namespaced && namespace !== undefined) return undefined;
  const name = rest[1] === undefined ? undefined : decodeURIComponent(rest[1]);
  // Namespaced objects are addressed only inside their namespace; without one only list/watch make sense.
  if (def.namespaced && namespace === undefined && name !== undefined) return undefined;
  if (rest[2] !== undefined && (rest[2] !== 'status' || !def.statusSubresource)) return undefined;
  return {
    def,
    ...(namespace === undefined ? {} : { namespace }),
    ...(name === undefined ? {} : { name }),
    ...(rest[2] === 'status' ? { subresource: 'status' as const } : {}),
  };
}

export function verbOf(method: string, route: Route, query: URLSearchParams): Verb | undefined {
  const named = route.name !== undefined;
  switch (method) {
    case 'GET': {
      if (named) return 'get';
      const w = query.get('watch');
      return w === 'true' || w === '1' ? 'watch' : 'list';
    }
    case 'POST':
      return named ? undefined : 'create';
    case 'PUT':
      return named ? 'update' : undefined;
    case 'PATCH':
      return named ? 'patch' : undefined;
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
