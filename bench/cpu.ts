// CPU time the stack's processes spend during a benchmark run (Linux /proc; elsewhere nothing is printed):
// Asterisk, the database (every postgres process), the MongoDB wire gateway, the SIPp load and this process
// (ariflow or a bare app), so a rate difference can be pinned on whoever does the work.
import { readFileSync, readdirSync } from 'node:fs';

export type Group = 'asterisk' | 'database' | 'gateway' | 'SIPp' | 'this process';
export type CpuGroups = Record<Group, number>;
/** CPU ms per process id, with the group it belongs to. */
export type CpuSnapshot = Map<string, { group: Group; ms: number }>;

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * utime + stime of one process (all its threads), in ms; 0 when it is gone. With `children`, cutime + cstime
 * instead: what its child processes used once they ended (SIPp, which exits within each run).
 */
function cpuMs(pid: string | number, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const at = children ? 13 : 11;
    return (Number(fields[at]) + Number(fields[at + 1])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU ms of every process of the stack now, or undefined without /proc. */
export function cpuSnapshot(): CpuSnapshot | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const out: CpuSnapshot = new Map([
    [String(process.pid), { group: 'this process', ms: cpuMs(process.pid) }],
    ['children', { group: 'SIPp', ms: cpuMs(process.pid, true) }],
  ]);
  for (const pid of pids) {
    const cmd = cmdline(pid);
    const group: Group | undefined = /\/asterisk -f/.test(cmd) ? 'asterisk' : /^postgres|\/postgres /.test(cmd) ? 'database' : /mongo-gateway/.test(cmd) ? 'gateway' : undefined;
    if (group) out.set(pid, { group, ms: cpuMs(pid) });
  }
  return out;
}

/**
 * CPU ms per completed call in each group over some intervals (snapshot pairs), as one printable line. A process
 * that started within an interval counts from zero; one that exited counts for nothing (its last figures are unknown).
 */
export function cpuPerCall(intervals: { before: CpuSnapshot | undefined; after: CpuSnapshot | undefined }[], calls: number): string | undefined {
  if (calls <= 0 || intervals.some((i) => !i.before || !i.after)) return undefined;
  const sums: CpuGroups = { asterisk: 0, database: 0, gateway: 0, SIPp: 0, 'this process': 0 };
  for (const { before, after } of intervals) {
    for (const [pid, now] of after!) sums[now.group] += now.ms - (before!.get(pid)?.ms ?? 0);
  }
  const parts = (Object.keys(sums) as Group[]).map((k) => `${k} ${(sums[k] / calls).toFixed(2)}`);
  return `CPU ms per call: ${parts.join(', ')}`;
}
