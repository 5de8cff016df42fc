import { addDays, isDate } from './dates';
import type { Teacher } from '../choices';
import type { CalendarView } from './types';

interface Props {
  view: CalendarView;
  /** The local date shown (a day, or any day of the week shown). */
  date: string;
  teacherId: number | null;
  teachers: Teacher[];
  onView: (view: CalendarView) => void;
  onDate: (date: string) => void;
  onTeacher: (teacherId: number | null) => void;
  onToday: () => void;
}

/** Previous / today / next, the day or week view, a date to go to, and the teacher filter. */
export function CalendarControls({ view, date, teacherId, teachers, onView, onDate, onTeacher, onToday }: Props) {
  const step = view === 'day' ? 1 : 7;
  return (
    <div className="calendar-controls">
      <fieldset className="actions">
        <legend className="visually-hidden">Move</legend>
        <button type="button" className="button secondary" onClick={() => onDate(addDays(date, -step))}>
          Previous {view}
        </button>
        <button type="button" className="button secondary" onClick={onToday}>
          Today
        </button>
        <button type="button" className="button secondary" onClick={() => onDate(addDays(date, step))}>
          Next {view}
        </button>
      </fieldset>
      <fieldset className="actions">
        <legend className="visually-hidden">View</legend>
        {(['day', 'week'] as const).map((choice) => (
          <button key={choice} type="button" className={`button ${view === choice ? '' : 'secondary'}`} aria-pressed={view === choice} onClick={() => onView(choice)}>
            {choice === 'day' ? 'Day' : 'Week'}
          </button>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="calendar-date">Go to date</label>
        <input id="calendar-date" type="date" value={date} onChange={(event) => isDate(event.target.value) && onDate(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="calendar-teacher">Teacher</label>
        <select id="calendar-teacher" value={teacherId ?? ''} onChange={(event) => onTeacher(event.target.value ? Number(event.target.value) : null)}>
          <option value="">All teachers</option>
          {teachers.map((teacher) => (
            <option key={teacher.id} value={teacher.id}>
              {teacher.firstName} {teacher.lastName}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
