import type { Me } from '../types';
import { Consents } from './Consents';
import { Erasure } from './Erasure';
import { Exports } from './Exports';
import './account.css';

/** `/privacy` (parents and teachers): consents, a copy of one's data and, for parents, erasure. */
export function Privacy({ me }: { me: Me }) {
  return (
    <>
      <h1>Privacy</h1>
      <Consents me={me} />
      <Exports me={me} />
      {me.role === 'parent' && <Erasure me={me} />}
    </>
  );
}
