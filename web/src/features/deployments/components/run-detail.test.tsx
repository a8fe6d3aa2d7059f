import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/api-common';
import { FakeSocket } from '@/testing/fake-socket';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import type { Run } from '../api/deployments';
import { RunDetail } from './run-detail';

const NOW = '2025-01-15T10:00:00Z';
const RUN = '*/v1/orgs/org_1/deployments/dep_1/runs/run_1';

function makeRun(status: Run['status'], overrides: Partial<Run> = {}): Run {
  return {
    id: 'run_1',
    deployment_id: 'dep_1',
    kind: 'plan_and_apply',
    status,
    timestamps: [
      { status: 'queued', at: NOW },
      { status, at: NOW },
    ],
    plan: { add: ['null_resource.demo', 'random_pet.name'], change: [], destroy: ['null_resource.old'] },
    variable_changes: [{ name: 'instance_count', before: 1, after: 2 }],
    error: null,
    created_by: 'usr_me',
    approved_by: null,
    created_at: NOW,
    ...overrides,
  };
}

/// The run's state on the server; an action's handler moves it on.
let serverStatus: Run['status'] = 'queued';

function renderRun(status: Run['status'], role: Role) {
  serverStatus = status;
  server.use(
    http.get(RUN, () => HttpResponse.json(makeRun(serverStatus))),
    http.get(`${RUN}/logs`, () => HttpResponse.json({ lines: [{ seq: 1, phase: 'plan', text: 'Plan: 2 to add' }], next_after: 1 })),
  );
  return renderWithProviders(<RunDetail orgId="org_1" deploymentId="dep_1" runId="run_1" role={role} />);
}

describe('RunDetail', () => {
  beforeEach(() => {
    signIn();
    FakeSocket.reset();
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('shows the plan summary by address and the archived log', async () => {
    renderRun('awaiting_approval', 'operator');
    const summary = await screen.findByLabelText('Plan summary');
    expect(within(summary).getByText('2 to add')).toBeInTheDocument();
    expect(within(summary).getByText('0 to change')).toBeInTheDocument();
    expect(within(summary).getByText('1 to destroy')).toBeInTheDocument();
    expect(screen.getByText('random_pet.name')).toBeInTheDocument();
    expect(within(screen.getByLabelText('Variables changed')).getByText('instance_count 1 → 2')).toBeInTheDocument();
    expect(await screen.findByText('Plan: 2 to add')).toBeInTheDocument();
  });

  it('offers approve and discard to an operator while the plan awaits approval, and approves', async () => {
    const user = userEvent.setup();
    let approved = false;
    renderRun('awaiting_approval', 'operator');
    server.use(
      http.post(`${RUN}/approve`, () => {
        approved = true;
        serverStatus = 'applying';
        return HttpResponse.json(makeRun(serverStatus));
      }),
    );
    const actions = await screen.findByRole('group', { name: 'Run actions' });
    expect(within(actions).getAllByRole('button').map((b) => b.textContent)).toEqual(['Approve', 'Discard plan']);
    await user.click(within(actions).getByRole('button', { name: 'Approve' }));
    expect(approved).toBe(true);
    expect(await screen.findByRole('button', { name: 'Cancel run' })).toBeInTheDocument();
  });

  it('gives a viewer no actions', async () => {
    renderRun('awaiting_approval', 'viewer');
    expect(await screen.findByText(/Operators and up can approve/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Run actions' })).not.toBeInTheDocument();
  });

  it('offers only cancel while applying, and nothing once applied', async () => {
    const { unmount } = renderRun('applying', 'admin');
    const actions = await screen.findByRole('group', { name: 'Run actions' });
    expect(within(actions).getAllByRole('button').map((b) => b.textContent)).toEqual(['Cancel run']);
    unmount();
    renderRun('applied', 'owner');
    expect((await screen.findAllByText('Applied')).length).toBeGreaterThan(0);
    expect(screen.queryByRole('group', { name: 'Run actions' })).not.toBeInTheDocument();
  });

  it('shows a refused action’s error', async () => {
    const user = userEvent.setup();
    renderRun('awaiting_approval', 'owner');
    server.use(
      http.post(`${RUN}/discard`, () =>
        HttpResponse.json(
          { status: 409, code: 'invalid_transition', title: 'Conflict', detail: 'the run is applying' },
          { status: 409, headers: { 'content-type': 'application/problem+json' } },
        ),
      ),
    );
    await user.click(await screen.findByRole('button', { name: 'Discard plan' }));
    expect(await screen.findByText(/the run is applying/)).toBeInTheDocument();
  });
});
