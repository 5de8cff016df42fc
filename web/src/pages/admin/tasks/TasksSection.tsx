import { NewTask } from './NewTask';
import { TaskList } from './TaskList';
import './tasks.css';

/** `/tasks`: the office's follow-up tasks (open ones first, by due date) and adding one. */
export default function TasksSection() {
  return (
    <>
      <h1>Tasks</h1>
      <div className="grid tasks-grid">
        <TaskList />
        <NewTask />
      </div>
    </>
  );
}
