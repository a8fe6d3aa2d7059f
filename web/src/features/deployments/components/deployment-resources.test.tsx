import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { DeploymentResources } from './deployment-resources';

const RESOURCES = '*/v1/orgs/org_1/deployments/dep_1/resources';

function renderResources(sandbox = false) {
  return renderWithProviders(
    <DeploymentResources
      orgId="org_1"
      deploymentId="dep_1"
      sandbox={sandbox}
      resourceHref={(id) => `/orgs/org_1/inventory?resource=${id}`}
    />,
  );
}

describe('DeploymentResources', () => {
  beforeEach(() => signIn());

  it('lists the deployment’s resources, each linked to the inventory drawer', async () => {
    server.use(
      http.get(RESOURCES, () =>
        HttpResponse.json({
          items: [
            {
              id: 'res_1',
              name: 'web',
              native_id: 'i-0abc',
              type: 'vm',
              provider: 'aws',
              region: 'us-east-1',
              state: 'running',
              // the rest of the inventory's resource is ignored here
              tags: { 'skyforge-deployment': 'dep_1' },
            },
            { id: 'res_2', name: null, native_id: 'vol-0def', type: 'disk', provider: 'aws', region: 'us-east-1', state: 'in_use' },
          ],
          next_cursor: null,
        }),
      ),
    );
    renderResources();
    const table = await screen.findByRole('table', { name: 'Resources' });
    const web = within(table).getByRole('link', { name: 'web in the inventory' });
    expect(web).toHaveAttribute('href', '/orgs/org_1/inventory?resource=res_1');
    expect(within(table).getByRole('link', { name: 'vol-0def in the inventory' })).toHaveAttribute(
      'href',
      '/orgs/org_1/inventory?resource=res_2',
    );
    expect(within(table).getAllByRole('row')).toHaveLength(3);
  });

  it('says when resources will appear, and that the sandbox has none', async () => {
    server.use(http.get(RESOURCES, () => HttpResponse.json({ items: [], next_cursor: null })));
    const { unmount } = renderResources();
    expect(await screen.findByRole('heading', { name: 'No resources in the inventory' })).toBeInTheDocument();
    expect(screen.getByText(/once an apply has run/)).toBeInTheDocument();
    unmount();
    renderResources(true);
    expect(await screen.findByText(/The sandbox creates nothing in a cloud account/)).toBeInTheDocument();
  });
});
