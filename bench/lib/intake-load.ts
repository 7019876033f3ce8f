import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import type { LeadGenerator } from './leads';
import { Samples } from './stats';

/*
 * Intake under load: autocannon posting distinct valid leads over `connections` keep-alive
 * connections for `duration` seconds. Shared by the intake and growth benches.
 */

export interface LoadResult {
  readonly seconds: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly latencies: Samples;
  /** Lead ids from the 2xx bodies. */
  readonly acked: ReadonlySet<string>;
  /** 2xx whose lead came back without an assignee. */
  readonly unassigned: number;
  readonly perSecond: readonly number[];
}

/** Posts leads as fast as `connections` connections allow, for `duration` seconds. */
export function runLoad(
  url: string,
  apiKey: string,
  generator: LeadGenerator,
  options: {
    readonly connections: number;
    readonly duration: number;
    /** Prefix of the leads' external ids (`ac`): the intake bench finds its measured leads by it. */
    readonly tag?: string;
  },
): Promise<LoadResult> {
  const latencies = new Samples();
  const acked = new Set<string>();
  const perSecond: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let unassigned = 0;
  return new Promise<LoadResult>((resolve, reject) => {
    const start = performance.now();
    const instance = autocannon(
      {
        url: `${url}/api/v1/leads`,
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        connections: options.connections,
        duration: options.duration,
        timeout: 30,
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify(generator.next(options.tag ?? 'ac')),
            }),
            onResponse: (status, body) => {
              if (status < 200 || status >= 300) return;
              const lead = leadOf(body);
              if (!lead) return;
              acked.add(lead.id);
              if (lead.assignedTo === null) unassigned += 1;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          seconds: (performance.now() - start) / 1000,
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statuses: Object.fromEntries(Object.entries(statuses)),
          latencies,
          acked,
          unassigned,
          perSecond,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode < 200 || statusCode >= 300) return;
      ok += 1;
      latencies.push(responseTime);
      const second = Math.floor((performance.now() - start) / 1000);
      while (perSecond.length <= second) perSecond.push(0);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    });
  });
}

function leadOf(body: string): { id: string; assignedTo: string | null } | null {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json !== 'object' || json === null || !('lead' in json)) return null;
    const lead: unknown = json.lead;
    if (typeof lead !== 'object' || lead === null || !('id' in lead) || typeof lead.id !== 'string')
      return null;
    const assignedTo =
      'assignedTo' in lead && typeof lead.assignedTo === 'string' ? lead.assignedTo : null;
    return { id: lead.id, assignedTo };
  } catch {
    return null;
  }
}
