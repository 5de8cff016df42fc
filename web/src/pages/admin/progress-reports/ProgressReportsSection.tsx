import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSchoolZone } from '../../../auth/hooks';
import { AiUsage, ScheduleReviewNow } from './AiTools';
import { monthBefore, type Period, todayIn, weekFrom } from './period';
import { ReportList } from './ReportList';
import { StartReports } from './StartReports';
import './progress-reports.css';

/**
 * `/progress-reports`: start the AI-drafted progress reports for a period (last month by default),
 * follow and approve them; AI on demand (a schedule review now) and this month's AI usage.
 */
export default function ProgressReportsSection() {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const today = todayIn(zone);
  const [period, setPeriod] = useState<Period>(() => monthBefore(today));
  const [watching, setWatching] = useState(false);
  return (
    <>
      <h1>Progress reports</h1>
      <div className="grid">
        <StartReports
          initial={period}
          onStarted={(started) => {
            setPeriod(started);
            setWatching(true);
            void queries.invalidateQueries({ queryKey: ['progress-reports'] });
            void queries.invalidateQueries({ queryKey: ['ai', 'usage'] });
          }}
        />
        <ScheduleReviewNow initial={weekFrom(today)} />
      </div>
      <ReportList period={period} onPeriod={setPeriod} watching={watching} />
      <AiUsage />
    </>
  );
}
