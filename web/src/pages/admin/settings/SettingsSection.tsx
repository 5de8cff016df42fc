import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { AcademicYears } from './AcademicYears';
import { AiUsage } from './AiUsage';
import { Closures } from './Closures';
import { JsonSetting } from './JsonSetting';
import { LateFeeForm } from './LateFeeForm';
import { NumberSetting, numberSettings } from './NumberSetting';
import { SchoolForm } from './SchoolForm';
import type { SettingEntry } from './useSaveSetting';
import './settings.css';

/** Keys with a form of their own; `timezone` follows school.timezone. Every other key is edited as JSON. */
const ownForms = new Set(['school', 'lateFee', 'timezone', ...Object.keys(numberSettings)]);

/** `/settings`: every school setting the server knows (`GET /settings`), closures, academic years, AI providers. */
export default function SettingsSection() {
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => call(api.GET('/api/v1/settings')) });
  const entries: SettingEntry[] = settings.data?.data ?? [];
  const find = (key: string) => entries.find((entry) => entry.key === key);
  const school = find('school');
  const lateFee = find('lateFee');
  return (
    <>
      <h1>Settings</h1>
      {settings.isPending && <Loading />}
      <ErrorNotice error={settings.error} />
      {settings.data && (
        <>
          <div className="grid">
            {school && (
              <Card title="School">
                <SchoolForm value={school.value as Parameters<typeof SchoolForm>[0]['value']} />
              </Card>
            )}
            <Card title="Lessons, reminders and credits">
              {entries
                .filter((entry) => entry.key in numberSettings)
                .map((entry) => (
                  <NumberSetting key={entry.key} settingKey={entry.key} value={entry.value} />
                ))}
            </Card>
            {lateFee && (
              <Card title="Late fee">
                <LateFeeForm value={lateFee.value as Parameters<typeof LateFeeForm>[0]['value']} />
              </Card>
            )}
          </div>
          <Card title="Other settings">
            <div className="settings-json">
              {entries
                .filter((entry) => !ownForms.has(entry.key))
                .map((entry) => (
                  <JsonSetting key={entry.key} settingKey={entry.key} value={entry.value} />
                ))}
            </div>
          </Card>
        </>
      )}
      <div className="grid">
        <Closures />
        <AcademicYears />
        <AiUsage />
      </div>
    </>
  );
}
