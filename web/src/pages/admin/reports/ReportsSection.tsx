import { Link, Route, Switch, useLocation, useParams } from 'wouter';
import { ErrorNotice } from '../../../ui/components';
import { reportKinds } from './catalogue';
import { ReportView } from './ReportView';
import './reports.css';
import { ScheduleReviewDetail, ScheduleReviewList } from './ScheduleReviews';

/** The report named in the path (`/reports/retention`); `/reports` is the first, revenue. */
function NamedReport() {
  const name = useParams<{ name?: string }>().name;
  const kind = name ? reportKinds.find((k) => k.name === name) : reportKinds[0];
  if (!kind) return <ErrorNotice error={new Error(`There is no report named "${name}".`)} />;
  return <ReportView key={kind.name} kind={kind} />;
}

/**
 * `/reports`: each report of GET /api/v1/reports/{name} at `/reports/<name>` (chart, table, CSV),
 * and the schedule reviews at `/reports/schedule-reviews[/<id>]`. recharts is loaded with this section only.
 */
export default function ReportsSection() {
  const [location] = useLocation();
  const links = [...reportKinds.map((kind) => ({ href: `/${kind.name}`, label: kind.title })), { href: '/schedule-reviews', label: 'Schedule reviews' }];
  const current = (href: string) => location === href || location.startsWith(`${href}/`) || (location === '/' && href === links[0]?.href);
  return (
    <>
      <h1>Reports</h1>
      <nav className="report-nav" aria-label="Reports">
        <ul>
          {links.map((link) => (
            <li key={link.href}>
              <Link href={link.href} aria-current={current(link.href) ? 'page' : undefined}>
                {link.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Switch>
        <Route path="/schedule-reviews" component={ScheduleReviewList} />
        <Route path="/schedule-reviews/:id" component={ScheduleReviewDetail} />
        <Route path="/:name" component={NamedReport} />
        <Route component={NamedReport} />
      </Switch>
    </>
  );
}
