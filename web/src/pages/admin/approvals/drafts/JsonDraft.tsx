import { useState } from 'react';
import { TextAreaField } from '../../../../ui/fields';
import { changedFields, type DraftChange, isRecord } from '../types';

/**
 * Edits a draft of a kind this page has no form for, as JSON: the top-level fields that differ
 * from the draft are sent as edits (the server checks them against the kind's schema and names
 * the field it refuses). `problem` is the server's or the parser's complaint.
 */
export function JsonDraftEditor({ draft, problem, onChange }: { draft: unknown; problem: string | undefined; onChange: (change: DraftChange) => void }) {
  const [text, setText] = useState(() => JSON.stringify(draft, null, 2));
  const edit = (value: string) => {
    setText(value);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      onChange({ problem: 'The draft is not valid JSON.' });
      return;
    }
    if (!isRecord(parsed) || !isRecord(draft)) {
      onChange({ problem: 'The draft must stay a JSON object with the same fields.' });
      return;
    }
    onChange({ edits: changedFields(draft, parsed) });
  };
  return (
    <TextAreaField
      label="Draft (JSON)"
      name="draft"
      rows={14}
      value={text}
      onChange={edit}
      hint="Change the values of the fields; the kind's own rules are checked when you approve."
      problem={problem}
    />
  );
}
