import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import { Card, ErrorNotice, Loading, OkNotice } from '../../ui/components';

type Channels = { email: boolean; sms: boolean; inApp: boolean };
const channelChoices = [
  { key: 'email', label: 'E-mail' },
  { key: 'sms', label: 'Text messages (SMS)' },
  { key: 'inApp', label: 'In the portal' },
] as const;

/** How the school reaches the user (`GET/PUT /notifications/preferences`): a card of channel choices. */
export function PreferencesCard() {
  const queries = useQueryClient();
  const prefs = useQuery({ queryKey: ['preferences'], queryFn: () => call(api.GET('/api/v1/notifications/preferences')) });
  const [choice, setChoice] = useState<Channels | undefined>();
  useEffect(() => {
    if (prefs.data && !choice) setChoice({ email: prefs.data.email, sms: prefs.data.sms, inApp: prefs.data.inApp });
  }, [prefs.data, choice]);
  const save = useMutation({
    mutationFn: (body: Channels) => call(api.PUT('/api/v1/notifications/preferences', { body })),
    onSuccess: (saved) => queries.setQueryData(['preferences'], saved),
  });
  return (
    <Card title="How we reach you">
      {prefs.isPending && <Loading />}
      <ErrorNotice error={prefs.error} />
      {prefs.data && choice && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(choice);
          }}
        >
          <fieldset className="field">
            <legend>Send me lesson news and reminders by</legend>
            {channelChoices.map((channel) => (
              <label key={channel.key} className="choice">
                <input
                  type="checkbox"
                  checked={choice[channel.key]}
                  disabled={channel.key === 'sms' && !prefs.data.hasPhone && !choice.sms}
                  onChange={(event) => setChoice({ ...choice, [channel.key]: event.target.checked })}
                />
                {channel.label}
              </label>
            ))}
            {!prefs.data.hasPhone && <span className="hint">Text messages need a phone number on your account: ask the office to add one.</span>}
          </fieldset>
          <ErrorNotice error={save.error} />
          {save.isSuccess && <OkNotice>Saved.</OkNotice>}
          <button className="button" type="submit" disabled={save.isPending}>
            Save preferences
          </button>
        </form>
      )}
    </Card>
  );
}
