//! The run's log in a terminal-like panel. It follows new lines (scrolls to the bottom) until
//! the user scrolls up or turns "Follow" off.
import { useEffect, useRef, useState } from 'react';
import { cn } from '@/lib/cn';
import type { LogLine } from '../api/deployments';
import type { LiveState } from '../api/use-live-log';

const STATE_LABELS: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Finished',
};

export function LogTerminal({ lines, state }: { lines: LogLine[]; state: LiveState }) {
  const [follow, setFollow] = useState(true);
  const ref = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);

  return (
    <section aria-label="Run log" className="flex flex-col gap-2">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold text-zinc-900">Log</h2>
        <div className="flex items-center gap-3 text-xs text-zinc-600">
          <span role="status" className="inline-flex items-center gap-1.5">
            <span
              aria-hidden
              className={cn(
                'size-2 rounded-full',
                state === 'live' ? 'bg-emerald-500' : state === 'closed' ? 'bg-zinc-400' : 'bg-amber-500',
              )}
            />
            {STATE_LABELS[state]}
          </span>
          <label className="inline-flex items-center gap-1.5">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} className="accent-accent-600" />
            Follow
          </label>
        </div>
      </div>
      <pre
        ref={ref}
        tabIndex={0}
        aria-label="Log lines"
        aria-live="off"
        onScroll={(e) => {
          const el = e.currentTarget;
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
          if (!atBottom && follow) setFollow(false);
        }}
        className="h-80 overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-100 focus-visible:outline-2 focus-visible:outline-accent-600"
      >
        {lines.length === 0 ? (
          <span className="text-zinc-500">No output yet.</span>
        ) : (
          lines.map((line) => (
            <div key={line.seq} data-seq={line.seq} className="whitespace-pre-wrap">
              <span className="mr-2 text-zinc-500 select-none">{line.phase}</span>
              {line.text}
            </div>
          ))
        )}
      </pre>
    </section>
  );
}
