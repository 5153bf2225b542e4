import type { KindName } from './resource-table.js';
import type { Verb } from './route.js';

/** One HTTP request as the fake answered it. */
export interface RequestRecord {
  method: string;
  /** URL path without the query string. */
  path: string;
  /** Query string without the leading `?` ('' when none). */
  query: string;
  status: number;
  /** The request's Content-Type header, if any. */
  contentType?: string;
  kind?: KindName;
  verb?: Verb;
  subresource?: 'status';
}

export type RequestFilter =
  | ((r: RequestRecord) => boolean)
  | {
      method?: string;
      kind?: KindName;
      verb?: Verb;
      status?: number;
      subresource?: 'status';
      /** Exact path, or a pattern tested against the path. */
      path?: string | RegExp;
    };

function matches(r: RequestRecord, f: RequestFilter): boolean {
  if (typeof f === 'function') return f(r);
  if (f.method !== undefined && f.method !== r.method) return false;
  if (f.kind !== undefined && f.kind !== r.kind) return false;
  if (f.verb !== undefined && f.verb !== r.verb) return false;
  if (f.status !== undefined && f.status !== r.status) return false;
  if (f.subresource !== undefined && f.subresource !== r.subresource) return false;
  if (f.path !== undefined && (typeof f.path === 'string' ? f.path !== r.path : !f.path.test(r.path))) return false;
  return true;
}

export class RequestLog {
  private records: RequestRecord[] = [];

  add(r: RequestRecord): void {
    this.records.push(r);
  }

  count(filter?: RequestFilter): number {
    if (!filter) return this.records.length;
    let n = 0;
    for (const r of this.records) if (matches(r, filter)) n++;
    return n;
  }

  all(): RequestRecord[] {
    return [...this.records];
  }

  reset(): void {
    this.records = [];
  }
}
