import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

/** One section of the admin console: its path (nested paths belong to it), label and page. */
export interface Section {
  path: string;
  label: string;
  page: LazyExoticComponent<ComponentType>;
}

/** The console's sections in the order the menu lists them; each page is loaded when first opened. */
export const sections: Section[] = [
  { path: '/', label: 'Dashboard', page: lazy(() => import('./dashboard/DashboardSection')) },
  { path: '/families', label: 'Families', page: lazy(() => import('./families/FamiliesSection')) },
  { path: '/students', label: 'Students', page: lazy(() => import('./students/StudentsSection')) },
  { path: '/teachers', label: 'Teachers', page: lazy(() => import('./teachers/TeachersSection')) },
  { path: '/calendar', label: 'Calendar', page: lazy(() => import('./calendar/CalendarSection')) },
  { path: '/enrollments', label: 'Enrollments', page: lazy(() => import('./enrollments/EnrollmentsSection')) },
  { path: '/payments', label: 'Payments', page: lazy(() => import('./payments/PaymentsSection')) },
  { path: '/approvals', label: 'Approvals', page: lazy(() => import('./approvals/ApprovalsSection')) },
  { path: '/tasks', label: 'Tasks', page: lazy(() => import('./tasks/TasksSection')) },
  { path: '/reports', label: 'Reports', page: lazy(() => import('./reports/ReportsSection')) },
  { path: '/progress-reports', label: 'Progress reports', page: lazy(() => import('./progress-reports/ProgressReportsSection')) },
  { path: '/payroll', label: 'Payroll', page: lazy(() => import('./payroll/PayrollSection')) },
  { path: '/messages', label: 'Messages', page: lazy(() => import('./messages/MessagesSection')) },
  { path: '/outbox', label: 'Outbox', page: lazy(() => import('./outbox/OutboxSection')) },
  { path: '/workflows', label: 'Workflow runs', page: lazy(() => import('./workflows/WorkflowsSection')) },
  { path: '/privacy', label: 'Privacy', page: lazy(() => import('./privacy/PrivacySection')) },
  { path: '/settings', label: 'Settings', page: lazy(() => import('./settings/SettingsSection')) },
  { path: '/account', label: 'My account', page: lazy(() => import('./account/AccountSection')) },
];
