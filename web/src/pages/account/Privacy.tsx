import type { Me } from '../types';
import { Consents } from './Consents';
import { Erasure } from './Erasure';
import { Exports } from './Exports';
import './account.css';

/** `/privacy` (parents and teachers): consents; for parents a copy of the family's data and erasure (teachers ask the office). */
export function Privacy({ me }: { me: Me }) {
  return (
    <>
      <h1>Privacy</h1>
      <Consents me={me} />
      {me.role === 'parent' ? (
        <>
          <Exports me={me} />
          <Erasure me={me} />
        </>
      ) : (
        <p className="muted">For a copy of your data, ask the school office: it prepares the export for you.</p>
      )}
    </>
  );
}
