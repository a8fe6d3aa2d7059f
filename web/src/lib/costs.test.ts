import { describe, expect, it } from 'vitest';
import { daysOf, providerSeries, type ProviderDay } from './costs';

const point = (day: string, provider: ProviderDay['provider'], amount: string, currency = 'USD'): ProviderDay => ({ day, provider, currency, amount });

describe('providerSeries', () => {
  const points = [
    point('2025-01-02', 'gcp', '3.25'),
    point('2025-01-01', 'aws', '10.00'),
    point('2025-01-01', 'azure', '4.50', 'EUR'),
    point('2025-01-02', 'aws', '12.50'),
    // a provider this build does not know yet still gets its own series
    point('2025-01-03', 'oracle' as ProviderDay['provider'], '1.00'),
  ];

  it('gives every day of the range a row, zero where a provider had nothing', () => {
    const series = providerSeries(points, 'USD', '2024-12-31', '2025-01-03');
    expect(series.rows.map((r) => r.day)).toEqual(['2024-12-31', '2025-01-01', '2025-01-02', '2025-01-03']);
    expect(series.rows[0]?.amounts).toEqual({ aws: 0, gcp: 0, oracle: 0 });
    expect(series.rows[1]?.amounts).toEqual({ aws: 10, gcp: 0, oracle: 0 });
    expect(series.rows[2]?.amounts).toEqual({ aws: 12.5, gcp: 3.25, oracle: 0 });
  });

  it('keeps currencies apart and orders AWS, Azure, GCP before any other provider', () => {
    const usd = providerSeries(points, 'USD', '2025-01-01', '2025-01-03');
    expect(usd.providers).toEqual(['aws', 'gcp', 'oracle']);
    expect(usd.totals).toEqual({ aws: 22.5, gcp: 3.25, oracle: 1 });
    const eur = providerSeries(points, 'EUR', '2025-01-01', '2025-01-03');
    expect(eur.providers).toEqual(['azure']);
    expect(eur.totals).toEqual({ azure: 4.5 });
  });

  it('has no providers when the currency had no costs', () => {
    const series = providerSeries(points, 'GBP', '2025-01-01', '2025-01-02');
    expect(series.providers).toEqual([]);
    expect(series.rows).toHaveLength(2);
  });
});

describe('daysOf', () => {
  it('counts across month and year ends, and nothing for a reversed range', () => {
    expect(daysOf('2024-12-30', '2025-01-02')).toEqual(['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02']);
    expect(daysOf('2025-01-02', '2025-01-01')).toEqual([]);
    expect(daysOf('2024-01-01', '2026-01-01')).toHaveLength(400);
  });
});
