import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { type ReportAnswer, type ReportKind, cellText, columnTitle, rowLabel } from './catalogue';

/** Series colours, distinguishable and legible on white (each at least 3:1 against the page). */
const palette = ['#1d5fa8', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0f766e', '#a16207'];

/**
 * The report's figures as a chart (recharts, loaded with the reports chunk only). Screen readers
 * get the chart's aria-label, which points to the table of the same figures below it. Money is
 * drawn in dollars, minutes and counts as they are.
 */
export function ReportChart({ kind, answer }: { kind: ReportKind; answer: ReportAnswer }) {
  const series = kind.series.filter((column) => answer.columns.includes(column));
  const data = answer.rows.map((row) => {
    const point: Record<string, string | number> = { label: rowLabel(kind, answer, row) };
    for (const column of series) {
      const value = Number(row[column] ?? 0);
      point[column] = column.endsWith('Cents') ? value / 100 : value;
    }
    return point;
  });
  const described = `${kind.chart === 'line' ? 'Line' : 'Bar'} chart of ${kind.title.toLowerCase()} by ${answer.groupBy}, ${answer.from} to ${answer.to}: ${series.map(columnTitle).join(', ')}. The table below lists the same figures.`;
  const money = series.some((column) => column.endsWith('Cents'));
  const tooltip = (value: unknown, name: unknown) => {
    const column = String(name);
    const figure = Number(value);
    return [cellText(column, column.endsWith('Cents') ? Math.round(figure * 100) : figure), columnTitle(column)];
  };
  const axes = (
    <>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" />
      <YAxis tick={{ fontSize: 12 }} width={money ? 64 : 48} tickFormatter={(value: number) => (money ? `$${value}` : String(value))} />
      <Tooltip formatter={tooltip} />
      <Legend formatter={(name: string) => columnTitle(name)} />
    </>
  );
  return (
    <figure className="report-chart" role="img" aria-label={described}>
      <ResponsiveContainer width="100%" height={320}>
        {kind.chart === 'line' ? (
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
            {axes}
            {series.map((column, index) => (
              <Line key={column} type="monotone" dataKey={column} stroke={palette[index % palette.length]} strokeWidth={2} isAnimationActive={false} />
            ))}
          </LineChart>
        ) : (
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
            {axes}
            {series.map((column, index) => (
              <Bar key={column} dataKey={column} fill={palette[index % palette.length]} stackId={kind.chart === 'stacked' ? 'parts' : undefined} isAnimationActive={false} />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}
