import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { dateTime } from '../../../ui/format';

/** `/reports/schedule-reviews`: the weekly schedule reviews, newest first (read-only). */
export function ScheduleReviewList() {
  const zone = useSchoolZone();
  const reviews = useQuery({ queryKey: ['schedule-reviews'], queryFn: () => call(api.GET('/api/v1/reports/schedule-reviews', { params: { query: { pageSize: 50 } } })) });
  return (
    <>
      <h2>Schedule reviews</h2>
      <Card>
        {reviews.isPending && <Loading />}
        <ErrorNotice error={reviews.error} />
        {reviews.data && reviews.data.data.length === 0 && <p className="muted">No schedule reviews yet.</p>}
        {reviews.data && reviews.data.data.length > 0 && (
          <ul className="list">
            {reviews.data.data.map((review) => (
              <li key={review.id}>
                <Link href={`/schedule-reviews/${review.id}`}>
                  {review.from} to {review.to}
                </Link>{' '}
                <span className="muted">
                  · {dateTime(review.createdAt, zone)} · {review.source} · {review.suggestions.length} suggestions
                </span>
                <p className="message-body">{review.summary}</p>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

/** `/reports/schedule-reviews/:id`: one review's summary, teachers' figures and suggestions with their status. */
export function ScheduleReviewDetail() {
  const zone = useSchoolZone();
  const id = Number(useParams<{ id: string }>().id);
  const review = useQuery({
    queryKey: ['schedule-reviews', id],
    queryFn: () => call(api.GET('/api/v1/reports/schedule-reviews/{id}', { params: { path: { id } } })),
  });
  const data = review.data;
  return (
    <>
      <p>
        <Link href="/schedule-reviews">All schedule reviews</Link>
      </p>
      <h2>Schedule review {data ? `${data.from} to ${data.to}` : id}</h2>
      {review.isPending && <Loading />}
      <ErrorNotice error={review.error} />
      {data && (
        <>
          <Card title="Summary">
            <p className="muted">
              {dateTime(data.createdAt, zone)} · {data.source}
              {data.rulesReason ? ` (${data.rulesReason})` : ''}
            </p>
            <p className="message-body">{data.summary}</p>
            <p>
              {data.figures.clashes.length} clashes · {data.figures.gaps.length} gaps · {data.figures.waitlistFits.length} waitlist fits
            </p>
          </Card>
          <Card title="Teachers">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Teacher</th>
                  <th scope="col">Lessons</th>
                  <th scope="col">Booked of available minutes</th>
                  <th scope="col">Utilisation</th>
                </tr>
              </thead>
              <tbody>
                {data.figures.teachers.map((teacher) => (
                  <tr key={teacher.teacherId}>
                    <td>{teacher.firstName}</td>
                    <td>{teacher.lessons}</td>
                    <td>
                      {teacher.bookedMinutes} of {teacher.availableMinutes}
                    </td>
                    <td>{teacher.utilisationPercent === null ? '—' : `${teacher.utilisationPercent}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card title="Suggestions">
            {data.suggestions.length === 0 && <p className="muted">No suggestions.</p>}
            <ul className="list">
              {data.suggestions.map((suggestion) => (
                <li key={suggestion.index}>
                  <span className="badge">{suggestion.status}</span> {suggestion.action.replace(/_/g, ' ')}: {suggestion.reason}
                  {suggestion.outcome && <p className="muted">{suggestion.outcome}</p>}
                </li>
              ))}
            </ul>
          </Card>
        </>
      )}
    </>
  );
}
