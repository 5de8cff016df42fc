import { type ReportAnswer, cellText, columnTitle } from './catalogue';

/**
 * The report's figures as a table (the chart's text alternative), every column of the answer but
 * ids that sit beside a name (`teacherId` beside `teacherName`), with the totals as its foot.
 */
export function ReportTable({ title, answer }: { title: string; answer: ReportAnswer }) {
  const columns = answer.columns.filter((column) => !(column.endsWith('Id') && answer.columns.includes(`${column.slice(0, -2)}Name`)));
  const totals = answer.totals;
  return (
    <div className="report-table">
      <table className="data">
        <caption>
          {title}, {answer.from} to {answer.to}, by {answer.groupBy}
        </caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {columnTitle(column)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {answer.rows.map((row, index) => (
            // Rows have no id of their own; their order is the server's and does not change in place.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <tr key={index}>
              {columns.map((column) => (
                <td key={column} data-label={columnTitle(column)}>
                  {cellText(column, row[column])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {totals && answer.rows.length > 0 && (
          <tfoot>
            <tr>
              {columns.map((column, index) => (
                <td key={column} data-label={columnTitle(column)}>
                  {column in totals ? cellText(column, totals[column]) : index === 0 ? 'Total' : ''}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
      {answer.rows.length === 0 && <p className="muted">No figures for this period.</p>}
    </div>
  );
}
