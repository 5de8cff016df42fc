import { ErasureRequests } from './ErasureRequests';
import { ExportList } from './ExportList';
import { ReadAudit } from './ReadAudit';
import { Retention } from './Retention';
import './privacy.css';

/** `/privacy`: erasure requests to decide, exports made, retention periods (with a dry run) and who read what. */
export default function PrivacySection() {
  return (
    <>
      <h1>Privacy</h1>
      <ErasureRequests />
      <ExportList />
      <Retention />
      <ReadAudit />
    </>
  );
}
