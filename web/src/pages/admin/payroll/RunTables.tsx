import { Card } from '../../../ui/components';
import { dateTime, money } from '../../../ui/format';
import './payroll.css';
import { type RunDetail, reasonText } from './types';

/** Each teacher's pay in the run: lessons, lines, adjustments and total. */
export function TeacherTotals({ run }: { run: RunDetail }) {
  return (
    <Card title="Pay per teacher">
      {run.teachers.length === 0 && <p className="muted">Nobody is paid in this run.</p>}
      {run.teachers.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Teacher</th>
              <th scope="col">Lessons</th>
              <th scope="col">Lessons pay</th>
              <th scope="col">Adjustments</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {run.teachers.map((teacher) => (
              <tr key={teacher.teacherId}>
                <td>{teacher.teacherName}</td>
                <td data-label="Lessons">{teacher.lessonCount}</td>
                <td data-label="Lessons pay">{money(teacher.linesCents)}</td>
                <td data-label="Adjustments">{money(teacher.adjustmentsCents)}</td>
                <td data-label="Total">
                  <strong>{money(teacher.totalCents)}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/** Every lesson line of the run, with why it pays (a substitute's lines say so). */
export function RunLines({ run, zone }: { run: RunDetail; zone: string }) {
  return (
    <Card title="Lessons paid">
      {run.lines.length === 0 && <p className="muted">No lessons paid in this period.</p>}
      {run.lines.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Teacher</th>
              <th scope="col">Student</th>
              <th scope="col">Minutes</th>
              <th scope="col">Rate</th>
              <th scope="col">Amount</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {run.lines.map((line) => (
              <tr key={line.id}>
                <td>{dateTime(line.scheduledAt, zone)}</td>
                <td>{line.teacherName}</td>
                <td data-label="Student">{line.studentName ?? '—'}</td>
                <td data-label="Minutes">{line.minutes}</td>
                <td data-label="Rate">
                  {money(line.ratePerHourCents)}/h{line.payPercent !== 100 ? ` at ${line.payPercent}%` : ''}
                </td>
                <td data-label="Amount">{money(line.amountCents)}</td>
                <td>
                  <span className="badge">{reasonText[line.reason]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
