//! The run log as the terminal holds it: lines from the archive (`GET .../logs?after=N`) and
//! from the live socket, merged by `seq` (1, 2, 3 ... over the whole run) so that a line seen
//! both ways shows once, and a hole in the live stream (a reconnect, a dropped message) is
//! noticed and filled from the archive.
import type { LogLine } from '../api/deployments';

/// `current` plus `incoming`, ordered by seq, each seq once (the first copy wins).
export function mergeLines(current: readonly LogLine[], incoming: readonly LogLine[]): LogLine[] {
  if (incoming.length === 0) return current as LogLine[];
  const bySeq = new Map<number, LogLine>();
  for (const line of current) bySeq.set(line.seq, line);
  let added = false;
  for (const line of incoming) {
    if (!bySeq.has(line.seq)) {
      bySeq.set(line.seq, line);
      added = true;
    }
  }
  if (!added) return current as LogLine[];
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/// The highest `n` such that lines 1..n are all present: where a catch-up reads `after`.
export function contiguousEnd(lines: readonly LogLine[]): number {
  let n = 0;
  for (const line of lines) {
    if (line.seq === n + 1) n = line.seq;
    else if (line.seq > n + 1) break;
  }
  return n;
}

/// Whether lines are missing before the newest one (so the archive must be read).
export function hasGap(lines: readonly LogLine[]): boolean {
  const last = lines.at(-1);
  return last !== undefined && contiguousEnd(lines) < last.seq;
}

/// Reconnect delays: 1 s, 2 s, 4 s ... capped at 15 s.
export function backoffMs(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, attempt));
}
