//! A run's log, live: the archive first (`GET .../logs?after=N`), then the WebSocket
//! (`/v1/live?token=...`, `{"action":"subscribe","run_id":...}`). After every (re)subscription
//! and whenever a hole shows in the live lines, the archive is read again from the last line
//! held, so nothing is missed; lines are merged by seq, so nothing shows twice. A dropped socket
//! reconnects with back-off until the run has ended.
import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { refreshAccessToken } from '@/lib/api-client';
import { getAccessToken } from '@/lib/session';
import { phaseValues } from '@/lib/api-schema';
import { getRunLog, type LogLine } from './deployments';
import { backoffMs, contiguousEnd, hasGap, mergeLines } from '../lib/log-lines';

const liveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribed'), run_id: z.string(), status: z.string() }),
  z.object({ type: z.literal('log'), run_id: z.string(), seq: z.number().int(), phase: z.enum(phaseValues), line: z.string() }),
  z.object({ type: z.literal('status'), run_id: z.string(), status: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed';

type UseLiveLogArgs = {
  orgId: string;
  deploymentId: string;
  runId: string;
  /// The run has ended: read the archive to its end, no socket.
  final: boolean;
  /// A status message arrived (the caller reloads the run).
  onStatus?: (status: string) => void;
  /// For tests: the socket to use.
  createSocket?: (url: string) => WebSocket;
};

function liveUrl(token: string): string {
  const url = new URL('/v1/live', window.location.origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.toString();
}

export function useLiveLog({ orgId, deploymentId, runId, final, onStatus, createSocket }: UseLiveLogArgs) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [state, setState] = useState<LiveState>('connecting');
  const linesRef = useRef<LogLine[]>([]);
  const catchingUp = useRef<Promise<void> | null>(null);
  const onStatusRef = useRef(onStatus);
  onStatusRef.current = onStatus;

  const add = useCallback((incoming: LogLine[]) => {
    const merged = mergeLines(linesRef.current, incoming);
    if (merged !== linesRef.current) {
      linesRef.current = merged;
      setLines(merged);
    }
  }, []);

  /// Reads the archive from the last contiguous line to its end (one catch-up at a time).
  const catchUp = useCallback(
    (signal: AbortSignal) => {
      catchingUp.current ??= (async () => {
        try {
          let after = contiguousEnd(linesRef.current);
          for (let page = 0; page < 100 && !signal.aborted; page++) {
            const log = await getRunLog(orgId, deploymentId, runId, after, signal);
            add(log.lines);
            if (log.lines.length === 0 || log.next_after <= after) break;
            after = log.next_after;
          }
        } catch {
          // the next message or reconnect tries again
        } finally {
          catchingUp.current = null;
        }
      })();
      return catchingUp.current;
    },
    [orgId, deploymentId, runId, add],
  );

  useEffect(() => {
    linesRef.current = [];
    setLines([]);
  }, [runId]);

  useEffect(() => {
    const abort = new AbortController();
    if (final) {
      setState('closed');
      void catchUp(abort.signal);
      return () => abort.abort();
    }
    let socket: WebSocket | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const connect = async (refresh: boolean) => {
      let token = getAccessToken();
      if (refresh || !token) token = await refreshAccessToken().catch(() => null);
      if (abort.signal.aborted || !token) return;
      const url = liveUrl(token);
      const ws = createSocket ? createSocket(url) : new WebSocket(url);
      socket = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        ws.send(JSON.stringify({ action: 'subscribe', run_id: runId }));
      };
      ws.onmessage = (event) => {
        let parsed;
        try {
          parsed = liveMessageSchema.safeParse(JSON.parse(String(event.data)));
        } catch {
          return;
        }
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === 'subscribed') {
          attempt = 0;
          setState('live');
          void catchUp(abort.signal);
        } else if (message.type === 'log' && message.run_id === runId) {
          add([{ seq: message.seq, phase: message.phase, text: message.line }]);
          if (hasGap(linesRef.current)) void catchUp(abort.signal);
        } else if (message.type === 'status' && message.run_id === runId) {
          onStatusRef.current?.(message.status);
        }
      };
      ws.onclose = () => {
        if (abort.signal.aborted) return;
        setState('reconnecting');
        const delay = backoffMs(attempt++);
        // A socket refused before it opened most likely had an expired token.
        timer = setTimeout(() => void connect(!opened), delay);
      };
    };

    setState('connecting');
    void catchUp(abort.signal);
    void connect(false);
    return () => {
      abort.abort();
      clearTimeout(timer);
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
    };
  }, [runId, final, catchUp, add, createSocket]);

  return { lines, state };
}
