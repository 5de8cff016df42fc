import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { WorkflowGraph } from './WorkflowGraph';

/** The registered workflows; each one's diagram is drawn when it is opened. */
export function WorkflowList() {
  const workflows = useQuery({ queryKey: ['workflows'], queryFn: () => call(api.GET('/api/v1/workflows')) });
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (name: string, isOpen: boolean) =>
    setOpen((current) => {
      const next = new Set(current);
      if (isOpen) next.add(name);
      else next.delete(name);
      return next;
    });
  return (
    <Card title="Workflows">
      {workflows.isPending && <Loading />}
      <ErrorNotice error={workflows.error} />
      <ul className="list" aria-label="Workflows">
        {workflows.data?.data.map((workflow) => (
          <li key={workflow.name}>
            <details onToggle={(event) => toggle(workflow.name, event.currentTarget.open)}>
              <summary>
                {workflow.name} ({workflow.nodeCount} nodes)
              </summary>
              <p className="muted">{workflow.description}</p>
              {open.has(workflow.name) && <WorkflowGraph name={workflow.name} />}
            </details>
          </li>
        ))}
      </ul>
    </Card>
  );
}
