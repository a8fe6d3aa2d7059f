//! One currency's daily cost as bars stacked by provider. Recharts is heavy: the dashboard
//! loads this module lazily.
import { Bar } from 'recharts';
import { CostBarChart } from '@/components/charts/cost-bar-chart';
import type { ProviderSeries } from '@/lib/costs';
import { providerColor, providerLabel } from '@/lib/providers';

type ProviderCostChartProps = {
  label: string;
  currency: string;
  series: ProviderSeries;
  height?: number;
};

export default function ProviderCostChart({ label, currency, series, height = 200 }: ProviderCostChartProps) {
  return (
    <CostBarChart label={label} currency={currency} data={series.rows} height={height}>
      {series.providers.map((provider) => (
        <Bar
          key={provider}
          dataKey={(row: ProviderSeries['rows'][number]) => row.amounts[provider] ?? 0}
          name={providerLabel(provider)}
          stackId="providers"
          fill={providerColor(provider)}
          isAnimationActive={false}
        />
      ))}
    </CostBarChart>
  );
}
