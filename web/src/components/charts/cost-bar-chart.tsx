//! The frame of the daily cost charts: a labelled figure holding a bar chart of one currency
//! with its day axis, money axis and tooltip; the bars come as children (no animation: the
//! figures are the point). Recharts is heavy: pages load the charts built on this lazily.
import type { ReactNode } from 'react';
import { BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney } from '@/lib/costs';

type CostBarChartProps<Row extends { day: string }> = {
  label: string;
  currency: string;
  /// One row per day, in order.
  data: Row[];
  height: number;
  /// The `<Bar>`s.
  children: ReactNode;
};

export function CostBarChart<Row extends { day: string }>({ label, currency, data, height, children }: CostBarChartProps<Row>) {
  return (
    <figure aria-label={label} className="w-full">
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
            <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} tick={{ fontSize: 11 }} minTickGap={16} />
            <YAxis width={64} tick={{ fontSize: 11 }} tickFormatter={(v: number) => formatMoney(v, currency)} />
            <Tooltip formatter={(v) => formatMoney(Number(v), currency)} labelFormatter={(day) => String(day)} />
            {children}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">{label}</figcaption>
    </figure>
  );
}
