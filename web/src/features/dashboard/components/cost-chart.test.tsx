import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { CostChart } from './cost-chart';

const COSTS = '*/v1/orgs/org_1/costs';

function costs(series: Array<{ day: string; provider: string; currency: string; amount: string }>) {
  return { from: '2025-01-01', to: '2025-01-30', series };
}

describe('Dashboard cost chart', () => {
  it('stacks each currency’s daily cost by provider, with the providers’ totals', async () => {
    signIn();
    server.use(
      http.get(COSTS, () =>
        HttpResponse.json(
          costs([
            { day: '2025-01-01', provider: 'aws', currency: 'USD', amount: '60.00' },
            { day: '2025-01-01', provider: 'azure', currency: 'USD', amount: '20.00' },
            { day: '2025-01-01', provider: 'gcp', currency: 'USD', amount: '15.50' },
            { day: '2025-01-02', provider: 'aws', currency: 'USD', amount: '62.00' },
            { day: '2025-01-02', provider: 'azure', currency: 'EUR', amount: '7.25' },
          ]),
        ),
      ),
    );
    renderWithProviders(<CostChart orgId="org_1" />);

    expect(await screen.findByLabelText('Daily cost in USD by provider, last 30 days')).toBeInTheDocument();
    expect(await screen.findByLabelText('Daily cost in EUR by provider, last 30 days')).toBeInTheDocument();
    const usd = screen.getByRole('list', { name: 'Cost in USD by provider, last 30 days' });
    const rows = within(usd).getAllByRole('listitem').map((item) => item.textContent);
    expect(rows).toEqual(['AWS$122.00', 'Azure$20.00', 'GCP$15.50']);
    const eur = screen.getByRole('list', { name: 'Cost in EUR by provider, last 30 days' });
    expect(within(eur).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Azure€7.25']);
  });

  it('says so when there were no costs in the last 30 days', async () => {
    signIn();
    server.use(http.get(COSTS, () => HttpResponse.json(costs([]))));
    renderWithProviders(<CostChart orgId="org_1" />);
    expect(await screen.findByText(/No costs in the last 30 days/)).toBeInTheDocument();
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });

  it('shows an error with a retry', async () => {
    signIn();
    server.use(http.get(COSTS, () => problem(500, 'internal', { detail: 'the database is unavailable' })));
    renderWithProviders(<CostChart orgId="org_1" />);
    expect(await screen.findByRole('alert')).toHaveTextContent('the database is unavailable');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
