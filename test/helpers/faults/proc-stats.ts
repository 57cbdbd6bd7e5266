// What a server process holds, read from /proc: resident memory (now and peak) and open
// file descriptors, for leak checks after abuse and load.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const MiB = 1024 * 1024;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${field} for process ${pid}`);
  return Number(m[1]) * 1024;
}

export const rssBytes = (pid: number): number => statusField(pid, 'VmRSS');
/** Peak resident memory since the process started. */
export const peakRssBytes = (pid: number): number => statusField(pid, 'VmHWM');
export const fdCount = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
export const mib = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;

/** Open sockets of the process (fds whose link reads `socket:[…]`). */
export function socketCount(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** Resident bytes of the `[heap]` mapping: the brk arena of the C allocator (malloc'd buffers). */
export function mallocHeapBytes(pid: number): number {
  let rss = 0;
  let inHeap = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inHeap = line.endsWith('[heap]');
    else if (inHeap && line.startsWith('Rss:')) rss += Number(/(\d+)/.exec(line)![1]) * 1024;
  }
  return rss;
}
