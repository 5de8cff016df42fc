import { useSchoolZone } from '../../../auth/hooks';
import { day } from '../../../ui/format';
import { type TimelineEntry, words } from './types';

/** One timeline entry as a line of text: what happened. */
function describe(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'lesson':
      return `Lesson (${entry.durationMinutes} min): ${entry.status}${entry.attendance ? `, ${entry.attendance}` : ''}${entry.notes ? ` — ${entry.notes}` : ''}`;
    case 'goal_set':
      return `Goal set: ${entry.title}${entry.targetDate ? ` (target ${entry.targetDate})` : ''}`;
    case 'goal_achieved':
      return `Goal achieved: ${entry.title}`;
    case 'piece_started':
      return `Piece started: ${entry.title}${entry.composer ? ` (${entry.composer})` : ''}`;
    case 'piece_performed':
      return `Piece performed: ${entry.title}${entry.performedWhere ? ` at ${entry.performedWhere}` : ''}`;
    case 'assessment':
      return `Assessment: ${entry.examBody} ${entry.level}, ${words(entry.result)}${entry.mark === null ? '' : ` (mark ${entry.mark})`}`;
  }
}

/** The progress timeline, oldest first (as the server orders it), one dated line per entry. */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const zone = useSchoolZone();
  if (entries.length === 0) return <p className="muted">Nothing in this period yet.</p>;
  return (
    <ol className="list timeline" aria-label="Timeline">
      {entries.map((entry) => (
        <li key={`${entry.kind}-${'lessonId' in entry ? entry.lessonId : 'goalId' in entry ? entry.goalId : 'pieceId' in entry ? entry.pieceId : entry.assessmentId}`}>
          <time dateTime={entry.at}>{day(entry.at, zone)}</time> <span>{describe(entry)}</span>
        </li>
      ))}
    </ol>
  );
}
