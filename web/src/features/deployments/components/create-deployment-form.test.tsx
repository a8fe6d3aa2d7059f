import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import type { Template } from '../api/deployments';
import { CreateDeploymentForm } from './create-deployment-form';


const VM: Template = {
  id: 'aws_vm',
  title: 'AWS VM',
  description: 'An EC2 instance.',
  provider: 'aws',
  sandbox: false,
  variables_schema: {
    type: 'object',
    properties: {
      region: { type: 'string', description: 'Set by the platform', readOnly: true },
      name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
      instance_count: { type: 'integer', minimum: 1, maximum: 3, default: 1 },
      architecture: { type: 'string', enum: ['x86_64', 'arm64'], default: 'x86_64' },
      public_ip: { type: 'boolean', default: false },
      ssh_allowed_cidrs: { type: 'array', items: { type: 'string' } },
    },
    required: ['name'],
  },
};

function renderForm(onCreated = vi.fn()) {
  signIn();
  server.use(
    http.get('*/v1/orgs/org_1/credentials', () =>
      HttpResponse.json({
        items: [
          { id: 'cred_aws', provider: 'aws', name: 'Prod AWS' },
          { id: 'cred_gcp', provider: 'gcp', name: 'Analytics GCP' },
        ],
        next_cursor: null,
      }),
    ),
  );
  renderWithProviders(<CreateDeploymentForm orgId="org_1" template={VM} onCreated={onCreated} onCancel={() => {}} />);
  return onCreated;
}

describe('CreateDeploymentForm', () => {
  it('builds controls from the schema, leaves out platform variables and offers only the provider’s accounts', async () => {
    renderForm();
    expect(screen.getByLabelText('Name *')).toBeInTheDocument();
    expect(screen.getByLabelText('Instance count')).toHaveValue('1');
    expect(screen.getByLabelText('Architecture')).toHaveValue('x86_64');
    expect(screen.getByLabelText('Public ip')).not.toBeChecked();
    expect(screen.queryByLabelText('Region')).not.toBeInTheDocument();
    const account = screen.getByLabelText('AWS account');
    expect(await screen.findByRole('option', { name: 'Prod AWS' })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: 'Analytics GCP' })).not.toBeInTheDocument();
    expect(account).toHaveValue('');
  });

  it('checks required, pattern and min/max in the browser before sending', async () => {
    const user = userEvent.setup();
    let posted = false;
    server.use(http.post('*/v1/orgs/org_1/deployments', () => void (posted = true)));
    renderForm();
    await user.clear(screen.getByLabelText('Instance count'));
    await user.type(screen.getByLabelText('Instance count'), '7');
    await user.type(screen.getByLabelText('Ssh allowed cidrs'), '10.0.0.0/8');
    await user.click(screen.getByRole('button', { name: 'Create deployment' }));
    expect(await screen.findByText('Enter a name.')).toBeInTheDocument();
    expect(screen.getByText('Required.')).toBeInTheDocument();
    expect(screen.getByText('At most 3.')).toBeInTheDocument();
    expect(screen.getByText('Pick a cloud account.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Name *'), 'Bad_Name');
    expect(await screen.findByText(/does not match/)).toBeInTheDocument();
    expect(posted).toBe(false);
  });

  it('sends typed variables and shows a 422 on the variable’s own field', async () => {
    const user = userEvent.setup();
    let body: unknown;
    server.use(
      http.post('*/v1/orgs/org_1/deployments', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          {
            type: 'about:blank',
            title: 'Unprocessable',
            status: 422,
            code: 'validation_failed',
            detail: 'invalid variables',
            errors: [{ field: 'variables.instance_count', code: 'quota', message: 'Only 2 left in this account.' }],
          },
          { status: 422, headers: { 'content-type': 'application/problem+json' } },
        );
      }),
    );
    const onCreated = renderForm();
    await user.type(screen.getByLabelText('Deployment name'), 'web');
    await user.selectOptions(screen.getByLabelText('AWS account'), await screen.findByRole('option', { name: 'Prod AWS' }));
    await user.type(screen.getByLabelText('Name *'), 'web-1');
    await user.clear(screen.getByLabelText('Instance count'));
    await user.type(screen.getByLabelText('Instance count'), '3');
    await user.type(screen.getByLabelText('Ssh allowed cidrs'), '10.0.0.0/8, 192.168.0.0/16');
    await user.click(screen.getByLabelText('Public ip'));
    await user.click(screen.getByRole('button', { name: 'Create deployment' }));
    const countInput = screen.getByLabelText('Instance count');
    expect(await screen.findByText('Only 2 left in this account.')).toBeInTheDocument();
    expect(countInput).toHaveAttribute('aria-invalid', 'true');
    expect(body).toEqual({
      template: 'aws_vm',
      name: 'web',
      credential: 'cred_aws',
      variables: {
        name: 'web-1',
        instance_count: 3,
        architecture: 'x86_64',
        public_ip: true,
        ssh_allowed_cidrs: ['10.0.0.0/8', '192.168.0.0/16'],
      },
    });
    expect(onCreated).not.toHaveBeenCalled();
  });
});
