import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { ErrorNotice, Loading } from '../../../ui/components';
import { dateTime, day, money } from '../../../ui/format';
import './dashboard.css';
import { type TileFigure, type TileView, tileViews } from './tiles';
import { TodaysLessons } from './TodaysLessons';

type Cell = string | number | null;

const shown = (figure: TileFigure, value: Cell | undefined): string =>
  value === null || value === undefined ? '—' : figure.money && typeof value === 'number' ? money(value) : String(value);

/** A tile the console has no view for yet: its fields as the server names them. */
const rawView = (key: string, fields: Record<string, Cell>): TileView => ({ key, title: key, href: '/', figures: Object.keys(fields).map((field) => ({ field, label: field })) });

function Tile({ view, fields }: { view: TileView; fields: Record<string, Cell> }) {
  const [main, ...more] = view.figures;
  return (
    <Link className="tile" href={view.href} data-tile={view.key}>
      <h2>{view.title}</h2>
      {main && (
        <p className="main-figure">
          {shown(main, fields[main.field])} <span className="muted">{main.label}</span>
        </p>
      )}
      {more.length > 0 && (
        <ul className="more-figures">
          {more.map((figure) => (
            <li key={figure.field}>
              {shown(figure, fields[figure.field])} {figure.label}
            </li>
          ))}
        </ul>
      )}
    </Link>
  );
}

/** `/` of the console: the dashboard's tiles (each opening its section) and today's lessons. */
export default function DashboardSection() {
  const dashboard = useQuery({ queryKey: ['dashboard'], queryFn: () => call(api.GET('/api/v1/dashboard')) });
  const tiles = dashboard.data?.tiles ?? {};
  const views = [
    ...tileViews.filter((view) => view.key in tiles),
    ...Object.keys(tiles)
      .filter((key) => !tileViews.some((view) => view.key === key))
      .map((key) => rawView(key, tiles[key] ?? {})),
  ];
  return (
    <>
      <h1>School office</h1>
      {dashboard.isPending && <Loading />}
      <ErrorNotice error={dashboard.error} />
      {dashboard.data && (
        <>
          <p className="muted">
            {day(dashboard.data.today, dashboard.data.timezone)} · as of {dateTime(dashboard.data.generatedAt, dashboard.data.timezone)}
          </p>
          <div className="tiles">
            {views.map((view) => (
              <Tile key={view.key} view={view} fields={tiles[view.key] ?? {}} />
            ))}
          </div>
          <TodaysLessons today={dashboard.data.today} zone={dashboard.data.timezone} />
        </>
      )}
    </>
  );
}
