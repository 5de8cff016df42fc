import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { ErrorNotice, Loading } from '../../../ui/components';
import { Diagram } from './Diagram';
import { withNodeStates } from './graph';

/** The diagram of workflow `name`; with `states` (node id → state) each reached node is coloured by its state. */
export function WorkflowGraph({ name, states }: { name: string; states?: ReadonlyMap<string, string> }) {
  const graph = useQuery({
    queryKey: ['workflows', name, 'graph'],
    queryFn: () => call(api.GET('/api/v1/workflows/{name}/graph', { params: { path: { name } } })),
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (graph.isPending) return <Loading />;
  if (graph.error) return <ErrorNotice error={graph.error} />;
  const text = states ? withNodeStates(graph.data.graph, states) : graph.data.graph;
  return <Diagram graph={text} label={`Diagram of the ${name} workflow`} />;
}
