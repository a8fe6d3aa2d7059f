//! A bar chart of one currency's daily cost. Recharts is heavy: pages load this module lazily.
import { Bar } from 'recharts';
import { CostBarChart } from './cost-bar-chart';

type DailyCostChartProps = {
  label: string;
  currency: string;
  series: Array<{ day: string; amount: number }>;
  height?: number;
};

export default function DailyCostChart({ label, currency, series, height = 220 }: DailyCostChartProps) {
  return (
    <CostBarChart label={label} currency={currency} data={series} height={height}>
      <Bar
        dataKey="amount"
        name={currency}
        fill="var(--color-accent-500, #6366f1)"
        radius={[2, 2, 0, 0]}
        isAnimationActive={false}
      />
    </CostBarChart>
  );
}
