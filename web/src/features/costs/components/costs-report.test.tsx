import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import type { CostReport } from '../api/get-costs';
import { CostsReport } from './costs-report';

const COSTS = '*/v1/orgs/org_1/costs';
const TODAY = new Date('2025-01-15T10:00:00Z');

function report(groupBy: CostReport['group_by'], overrides: Partial<CostReport> = {}): CostReport {
  return {
    from: '2024-12-17',
    to: '2025-01-15',
    group_by: groupBy,
    groups:
      groupBy === 'day'
        ? [
            { key: '2025-01-14', currency: 'USD', amount: '10.00' },
            { key: '2025-01-14', currency: 'EUR', amount: '4.00' },
          ]
        : [
            { key: 'aws', currency: 'USD', amount: '120.00' },
            { key: 'azure', currency: 'EUR', amount: '80.00' },
          ],
    series: [],
    totals: [
      { currency: 'USD', amount: '120.00' },
      { currency: 'EUR', amount: '80.00' },
    ],
    overview: {
      month_to_date: [
        { currency: 'USD', amount: '55.50' },
        { currency: 'EUR', amount: '30.00' },
      ],
      last_month: [{ currency: 'USD', amount: '100.00' }],
      forecast_month_end: [
        { currency: 'USD', amount: '114.70' },
        { currency: 'EUR', amount: '62.00' },
      ],
      day_over_day: [{ currency: 'USD', current: '4.00', previous: '2.00', delta: '2.00', percent: '100.00' }],
      month_over_month: [],
    },
    top_services: [{ key: 'Amazon EC2', currency: 'USD', amount: '90.00' }],
    refreshes: [],
    ...overrides,
  };
}

const EMPTY_OVERVIEW = { month_to_date: [], last_month: [], forecast_month_end: [], day_over_day: [], month_over_month: [] };

function useRecommendations(items: unknown[] = []) {
  server.use(http.get(`${COSTS}/recommendations`, () => HttpResponse.json({ items, next_cursor: null })));
}

function renderCosts() {
  return renderWithProviders(<CostsReport orgId="org_1" inventoryHref="/orgs/org_1/inventory" now={TODAY} />);
}

describe('CostsReport', () => {
  beforeEach(() => signIn());

  it('keeps currencies apart: one line per currency, never a sum', async () => {
    const queries: string[] = [];
    server.use(
      http.get(COSTS, ({ request }) => {
        const url = new URL(request.url);
        queries.push(url.search);
        return HttpResponse.json(report((url.searchParams.get('group_by') ?? 'service') as CostReport['group_by']));
      }),
    );
    useRecommendations();
    renderCosts();
    const mtd = (await screen.findByText('Month to date')).parentElement!;
    expect(within(mtd).getByText('$55.50')).toBeInTheDocument();
    expect(within(mtd).getByText('€30.00')).toBeInTheDocument();
    // 55.50 + 30.00 would be a meaningless 85.50
    expect(screen.queryByText(/85\.50/)).not.toBeInTheDocument();
    const byProvider = screen.getByRole('table', { name: 'Cost by provider' });
    expect(within(byProvider).getByText('$120.00')).toBeInTheDocument();
    expect(within(byProvider).getByText('€80.00')).toBeInTheDocument();
    expect(screen.queryByText(/200\.00/)).not.toBeInTheDocument();
    expect(await screen.findByLabelText('Daily cost in USD')).toBeInTheDocument();
    expect(screen.getByLabelText('Daily cost in EUR')).toBeInTheDocument();
    expect(queries).toContain('?from=2024-12-17&to=2025-01-15&group_by=provider');
  });

  it('changes range with the presets and grouping with the picker', async () => {
    const user = userEvent.setup();
    const queries: string[] = [];
    server.use(
      http.get(COSTS, ({ request }) => {
        const url = new URL(request.url);
        queries.push(url.search);
        return HttpResponse.json(report((url.searchParams.get('group_by') ?? 'service') as CostReport['group_by']));
      }),
    );
    useRecommendations();
    renderCosts();
    await screen.findByText('Month to date');
    await user.click(screen.getByRole('button', { name: 'Last month' }));
    await user.selectOptions(screen.getByLabelText('Group by'), 'service');
    await screen.findByRole('table', { name: 'Cost by service' });
    expect(queries).toContain('?from=2024-12-01&to=2024-12-31&group_by=service');
    expect(screen.getByRole('button', { name: 'Last month' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows an empty state before any costs were fetched', async () => {
    server.use(
      http.get(COSTS, () => HttpResponse.json(report('provider', { groups: [], totals: [], overview: EMPTY_OVERVIEW, top_services: [] }))),
    );
    useRecommendations();
    renderCosts();
    expect(await screen.findByText('No costs yet')).toBeInTheDocument();
    expect(await screen.findByText('Nothing to save right now.')).toBeInTheDocument();
  });

  it('lists recommendations with their saving and links to the resources', async () => {
    server.use(http.get(COSTS, () => HttpResponse.json(report('provider'))));
    useRecommendations([
      {
        id: 'rec_1',
        rule: 'unattached_disk',
        provider: 'aws',
        action: 'Delete the disk or attach it to a VM',
        resources: [{ id: 'res_disk', type: 'disk', native_id: 'vol-123', name: 'old-data', region: 'us-east-1', monthly_cost: '8.00' }],
        monthly_saving: '8.00',
        currency: 'USD',
        prices_as_of: '2025-01-01',
      },
    ]);
    renderCosts();
    const list = await screen.findByRole('list', { name: 'Savings recommendations' });
    expect(within(list).getByText('Unattached disk · AWS')).toBeInTheDocument();
    expect(within(list).getByRole('link', { name: /old-data/ })).toHaveAttribute(
      'href',
      '/orgs/org_1/inventory?resource=res_disk',
    );
    expect(within(list).getAllByText('$8.00').length).toBeGreaterThan(0);
  });
});
