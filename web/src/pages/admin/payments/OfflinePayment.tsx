import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { money } from '../../../ui/format';
import { SelectField } from '../../../ui/fields';
import { useFamilies } from './families';
import { paymentKeys } from './types';

const methods = [
  { value: 'cash', label: 'Cash' },
  { value: 'etransfer', label: 'E-transfer' },
  { value: 'cheque', label: 'Cheque' },
] as const;
type Method = (typeof methods)[number]['value'];

/** Today's date (YYYY-MM-DD) in the school's zone. */
const today = (zone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** "45.50" → 4550 cents; anything that is not a number goes to the server as is, which names the field. */
const toCents = (amount: string): number => Math.round(Number(amount.trim()) * 100);

/** Records money received outside the gateway (`POST /payments/offline`): ledger entry, receipt mailed to the family. */
export function OfflinePayment() {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const families = useFamilies();
  const [parentId, setParentId] = useState('');
  const [studentId, setStudentId] = useState('');
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<Method>('cash');
  const [receivedOn, setReceivedOn] = useState(() => today(zone));
  const [reference, setReference] = useState('');
  const children = useQuery({
    queryKey: ['students', 'of', parentId],
    enabled: parentId !== '',
    queryFn: () => call(api.GET('/api/v1/students', { params: { query: { parentId: Number(parentId), pageSize: 50 } } })),
  });
  const record = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/payments/offline', {
          body: {
            parentId: Number(parentId),
            ...(studentId ? { studentId: Number(studentId) } : {}),
            amountCents: toCents(amount),
            method,
            receivedOn,
            ...(reference.trim() ? { reference: reference.trim() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setAmount('');
      setReference('');
      for (const key of paymentKeys) void queries.invalidateQueries({ queryKey: key });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.mutate();
  };
  const familyChoices = (families.data?.data ?? []).map((f) => ({ value: String(f.id), label: `${f.firstName} ${f.lastName} (${f.email})` }));
  const childChoices = (children.data?.data ?? []).map((s) => ({ value: String(s.id), label: `${s.firstName} ${s.lastName}` }));
  return (
    <Card title="Record an offline payment">
      {record.data && (
        <OkNotice>
          Recorded {money(record.data.amountCents, record.data.currency)}
          {record.data.receiptNumber ? `, receipt ${record.data.receiptNumber}` : ''}: <Link href={`/${record.data.id}`}>payment {record.data.id}</Link>. The receipt is e-mailed to
          the family.
        </OkNotice>
      )}
      <form onSubmit={submit} noValidate aria-label="Record an offline payment">
        <ErrorNotice error={record.error} />
        <SelectField
          label="Family"
          name="parentId"
          value={parentId}
          onChange={(value) => {
            setParentId(value);
            setStudentId('');
          }}
          options={[{ value: '', label: 'Choose a family' }, ...familyChoices]}
          problem={fieldProblem(record.error, 'parentId')}
        />
        <SelectField
          label="Student (optional)"
          name="studentId"
          value={studentId}
          onChange={setStudentId}
          options={[{ value: '', label: 'The whole family' }, ...childChoices]}
          problem={fieldProblem(record.error, 'studentId')}
        />
        <Field label="Amount (CAD)" name="amount" value={amount} onChange={setAmount} hint="For example 45.00" problem={fieldProblem(record.error, 'amountCents')} required />
        <SelectField
          label="Method"
          name="method"
          value={method}
          onChange={(value) => setMethod(value as Method)}
          options={methods}
          problem={fieldProblem(record.error, 'method')}
        />
        <Field label="Received on" name="receivedOn" type="date" value={receivedOn} onChange={setReceivedOn} problem={fieldProblem(record.error, 'receivedOn')} required />
        <Field
          label="Reference (optional)"
          name="reference"
          value={reference}
          onChange={setReference}
          hint="Cheque number, e-transfer reference"
          problem={fieldProblem(record.error, 'reference')}
        />
        <button type="submit" className="button" disabled={record.isPending}>
          Record payment
        </button>
      </form>
    </Card>
  );
}
