import { type ComponentType, Suspense, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { Loading } from '../../ui/components';
import { sections } from './sections';

/**
 * The admin console (`/app/…` for an admin): a list of sections beside the page (a "Sections"
 * button opens it on a phone). Each section is its own chunk and owns the paths under its own
 * (`/payments`, `/payments/…`); the dashboard is `/`.
 */
export default function AdminApp() {
  const [location] = useLocation();
  const [open, setOpen] = useState(false);
  const current = sections.find((section) => (section.path === '/' ? location === '/' : location === section.path || location.startsWith(`${section.path}/`)));
  return (
    <div className="console">
      <nav aria-label="Office" className="console-nav">
        <button type="button" className="button secondary console-toggle" aria-expanded={open} aria-controls="office-sections" onClick={() => setOpen(!open)}>
          Sections{current ? `: ${current.label}` : ''}
        </button>
        <ul id="office-sections" className={open ? 'open' : undefined}>
          {sections.map((section) => (
            <li key={section.path}>
              <Link href={section.path} aria-current={section === current ? 'page' : undefined} onClick={() => setOpen(false)}>
                {section.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="console-page">
        <Suspense fallback={<Loading />}>
          <Switch>
            {sections.map((section) => (
              <Route key={section.path} path={section.path} nest={section.path !== '/'} component={section.page as ComponentType} />
            ))}
          </Switch>
        </Suspense>
      </div>
    </div>
  );
}
