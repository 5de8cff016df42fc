import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { day } from '../../../ui/format';

/** Academic years and their semesters (`GET /academic-years`, `GET /semesters`), read-only. */
export function AcademicYears() {
  const zone = useSchoolZone();
  const years = useQuery({ queryKey: ['academic-years'], queryFn: () => call(api.GET('/api/v1/academic-years', { params: { query: { pageSize: 200 } } })) });
  const semesters = useQuery({ queryKey: ['semesters'], queryFn: () => call(api.GET('/api/v1/semesters', { params: { query: { pageSize: 200 } } })) });
  const span = (r: { startsOn: string; endsOn: string }) => `${day(r.startsOn, zone)} – ${day(r.endsOn, zone)}`;
  return (
    <Card title="Academic years">
      {(years.isPending || semesters.isPending) && <Loading />}
      <ErrorNotice error={years.error ?? semesters.error} />
      {years.data && years.data.data.length === 0 && <p className="muted">No academic years yet.</p>}
      <ul className="list" aria-label="Academic years">
        {years.data?.data.map((year) => (
          <li key={year.id}>
            <strong>{year.name}</strong> <span className="muted">{span(year)}</span>
            <ul aria-label={`Semesters of ${year.name}`}>
              {semesters.data?.data
                .filter((semester) => semester.academicYearId === year.id)
                .map((semester) => (
                  <li key={semester.id}>
                    {semester.name} <span className="muted">{span(semester)}</span>
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
    </Card>
  );
}
