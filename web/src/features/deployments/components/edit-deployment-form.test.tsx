import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import type { Deployment, Template } from '../api/deployments';
import { EditDeploymentForm } from './edit-deployment-form';

const SANDBOX: Template = {
  id: 'sandbox',
  title: 'Sandbox',
  description: 'Offline.',
  provider: null,
  sandbox: true,
  variables_schema: {
    type: 'object',
    properties: {
      deployment_id: { type: 'string', readOnly: true },
      name: { type: 'string', default: 'sandbox' },
      instance_count: { type: 'number', minimum: 1, maximum: 5, default: 1 },
      message: { type: 'string', default: 'Hello' },
      verbose: { type: 'boolean', default: false },
    },
    required: [],
  },
};

const DEPLOYMENT: Deployment = {
  id: 'dep_1',
  template: 'sandbox',
  name: 'demo',
  credential_id: null,
  variables: { instance_count: 2, message: 'hi' },
  outputs: null,
  active_run_id: null,
  lifecycle: 'applied',
  applied_variables: { instance_count: 2, message: 'hi' },
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-01T10:00:00Z',
};

const RUN = {
  id: 'run_2',
  deployment_id: 'dep_1',
  kind: 'plan_and_apply',
  status: 'planning',
  timestamps: [{ status: 'queued', at: '2026-12-01T10:00:00Z' }],
  plan: null,
  variables: null,
  variable_changes: [],
  error: null,
  created_by: 'usr_1',
  approved_by: null,
  created_at: '2026-12-01T10:00:00Z',
};

function renderForm(onSaved = vi.fn()) {
  signIn();
  renderWithProviders(
    <EditDeploymentForm orgId="org_1" deployment={DEPLOYMENT} template={SANDBOX} onSaved={onSaved} onCancel={() => {}} />,
  );
  return onSaved;
}

describe('EditDeploymentForm', () => {
  it('starts from the current values and sends only what changed, null for a cleared variable', async () => {
    const user = userEvent.setup();
    let body: unknown;
    server.use(
      http.patch('*/v1/orgs/org_1/deployments/dep_1', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ deployment: { ...DEPLOYMENT, variables: { instance_count: 3 } }, run: RUN });
      }),
    );
    const onSaved = renderForm();
    expect(screen.getByLabelText('Instance count')).toHaveValue('2');
    expect(screen.getByLabelText('Message')).toHaveValue('hi');
    expect(screen.getByLabelText('Name')).toHaveValue('sandbox');
    await user.clear(screen.getByLabelText('Instance count'));
    await user.type(screen.getByLabelText('Instance count'), '3');
    await user.clear(screen.getByLabelText('Message'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(body).toEqual({ variables: { instance_count: 3, message: null } });
    expect(onSaved.mock.calls[0]?.[0]).toMatchObject({ id: 'run_2' });
  });

  it('shows a 422 on the variable’s own field and does not close', async () => {
    const user = userEvent.setup();
    server.use(
      http.patch('*/v1/orgs/org_1/deployments/dep_1', () =>
        HttpResponse.json(
          {
            type: 'about:blank',
            title: 'Invalid request',
            status: 422,
            code: 'validation_failed',
            detail: 'the request has invalid fields',
            errors: [{ field: 'variables.message', code: 'invalid_format', message: 'only letters and digits' }],
          },
          { status: 422, headers: { 'content-type': 'application/problem+json' } },
        ),
      ),
    );
    const onSaved = renderForm();
    await user.type(screen.getByLabelText('Message'), '#');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('only letters and digits')).toBeInTheDocument();
    expect(screen.getByLabelText('Message')).toHaveAttribute('aria-invalid', 'true');
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('saves nothing when nothing changed', async () => {
    const user = userEvent.setup();
    let patched = false;
    server.use(http.patch('*/v1/orgs/org_1/deployments/dep_1', () => void (patched = true)));
    const onSaved = renderForm();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSaved).toHaveBeenCalledWith(null);
    expect(patched).toBe(false);
  });
});
