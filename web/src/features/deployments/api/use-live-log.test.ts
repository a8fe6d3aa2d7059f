import { act, renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '@/testing/fake-socket';
import { signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { contiguousEnd, hasGap, mergeLines } from '../lib/log-lines';
import type { LogLine } from './deployments';
import { useLiveLog } from './use-live-log';

const LOGS = '*/v1/orgs/org_1/deployments/dep_1/runs/run_1/logs';
const line = (seq: number, text = `line ${seq}`): LogLine => ({ seq, phase: 'plan', text });

/// An archive holding `archived` lines; records every `after` asked for.
function archive(archived: () => LogLine[]) {
  const afters: number[] = [];
  server.use(
    http.get(LOGS, ({ request }) => {
      const after = Number(new URL(request.url).searchParams.get('after'));
      afters.push(after);
      const lines = archived().filter((l) => l.seq > after);
      return HttpResponse.json({ lines, next_after: lines.at(-1)?.seq ?? after });
    }),
  );
  return afters;
}

describe('log lines', () => {
  it('merges by seq: a line seen twice shows once, in order', () => {
    const merged = mergeLines([line(1), line(3)], [line(2), line(3, 'duplicate'), line(4)]);
    expect(merged.map((l) => [l.seq, l.text])).toEqual([
      [1, 'line 1'],
      [2, 'line 2'],
      [3, 'line 3'],
      [4, 'line 4'],
    ]);
  });

  it('knows where the archive must be read from', () => {
    expect(contiguousEnd([])).toBe(0);
    expect(contiguousEnd([line(1), line(2), line(5)])).toBe(2);
    expect(hasGap([line(1), line(2), line(5)])).toBe(true);
    expect(hasGap([line(1), line(2)])).toBe(false);
  });
});

describe('useLiveLog', () => {
  beforeEach(() => {
    signIn();
    FakeSocket.reset();
  });
  afterEach(() => vi.useRealTimers());

  const createSocket = (url: string) => new FakeSocket(url) as unknown as WebSocket;

  it('catches up from the archive after subscribing, fills a hole, and never doubles a line', async () => {
    let archived = [line(1), line(2)];
    const afters = archive(() => archived);
    const { result } = renderHook(() =>
      useLiveLog({ orgId: 'org_1', deploymentId: 'dep_1', runId: 'run_1', final: false, createSocket }),
    );
    await waitFor(() => expect(result.current.lines.map((l) => l.seq)).toEqual([1, 2]));
    const socket = FakeSocket.latest();
    expect(socket.url).toContain('/v1/live?token=access-initial');
    act(() => socket.open());
    expect(JSON.parse(socket.sent[0] ?? '')).toEqual({ action: 'subscribe', run_id: 'run_1' });

    // a line archived between the first read and the subscription: the catch-up brings it
    archived = [line(1), line(2), line(3)];
    act(() => socket.receive({ type: 'subscribed', run_id: 'run_1', status: 'planning' }));
    await waitFor(() => expect(result.current.lines.map((l) => l.seq)).toEqual([1, 2, 3]));
    expect(result.current.state).toBe('live');

    // live: 3 again (already held) and 4
    act(() => socket.receive({ type: 'log', run_id: 'run_1', seq: 3, phase: 'plan', line: 'line 3' }));
    act(() => socket.receive({ type: 'log', run_id: 'run_1', seq: 4, phase: 'plan', line: 'line 4' }));
    expect(result.current.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);

    // 5 and 6 were missed; 7 arrives: the archive is read from 4
    archived = [1, 2, 3, 4, 5, 6, 7].map((n) => line(n));
    act(() => socket.receive({ type: 'log', run_id: 'run_1', seq: 7, phase: 'apply', line: 'line 7' }));
    await waitFor(() => expect(result.current.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]));
    // read on from the last contiguous line, then once more to find the end
    expect(afters.slice(-2)).toEqual([4, 7]);
  });

  it('reconnects with back-off after a drop and catches up again', async () => {
    let archived = [line(1)];
    archive(() => archived);
    const { result } = renderHook(() =>
      useLiveLog({ orgId: 'org_1', deploymentId: 'dep_1', runId: 'run_1', final: false, createSocket }),
    );
    await waitFor(() => expect(result.current.lines).toHaveLength(1));
    const first = FakeSocket.latest();
    act(() => first.open());
    act(() => first.receive({ type: 'subscribed', run_id: 'run_1', status: 'applying' }));
    act(() => first.drop());
    expect(result.current.state).toBe('reconnecting');
    archived = [line(1), line(2), line(3)];
    // the first retry waits a second
    await waitFor(() => expect(FakeSocket.instances).toHaveLength(2), { timeout: 2500 });
    const second = FakeSocket.latest();
    act(() => second.open());
    act(() => second.receive({ type: 'subscribed', run_id: 'run_1', status: 'applying' }));
    await waitFor(() => expect(result.current.lines.map((l) => l.seq)).toEqual([1, 2, 3]));
    expect(result.current.state).toBe('live');
  });

  it('reads a finished run from the archive only', async () => {
    archive(() => [line(1), line(2)]);
    const { result } = renderHook(() =>
      useLiveLog({ orgId: 'org_1', deploymentId: 'dep_1', runId: 'run_1', final: true, createSocket }),
    );
    await waitFor(() => expect(result.current.lines).toHaveLength(2));
    expect(FakeSocket.instances).toHaveLength(0);
    expect(result.current.state).toBe('closed');
  });
});
