//! A bar chart of one currency's daily cost (no animation: the figures are the point).
//! Recharts is heavy: pages load this module lazily.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney } from '@/lib/costs';

type DailyCostChartProps = {
  label: string;
  currency: string;
  series: Array<{ day: string; amount: number }>;
  height?: number;
};

export default function DailyCostChart({ label, currency, series, height = 220 }: DailyCostChartProps) {
  return (
    <figure aria-label={label} className="w-full">
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={series} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
            <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} tick={{ fontSize: 11 }} minTickGap={16} />
            <YAxis width={64} tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatMoney(v, currency)} />
            <Tooltip formatter={(v) => formatMoney(Number(v), currency)} labelFormatter={(day) => String(day)} />
            <Bar
              dataKey="amount"
              name={currency}
              fill="var(--color-accent-500, #6366f1)"
              radius={[2, 2, 0, 0]}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">{label}</figcaption>
    </figure>
  );
}
