/** One figure of a tile: the field of the tile's answer, how to say it, and whether it is cents. */
export interface TileFigure {
  field: string;
  label: string;
  money?: boolean;
}

/** How the console shows one tile of GET /api/v1/dashboard: its title, the section it opens, its figures (the first is the big one). */
export interface TileView {
  key: string;
  title: string;
  /** A console path (`/payments`); the dashboard is the console's root, so it links as it is. */
  href: string;
  figures: TileFigure[];
}

/** The tiles in the order shown; a tile the server adds later is shown with its raw field names (see DashboardSection). */
export const tileViews: TileView[] = [
  {
    key: 'todaysLessons',
    title: "Today's lessons",
    href: '/calendar',
    figures: [
      { field: 'total', label: 'lessons' },
      { field: 'scheduled', label: 'to come' },
      { field: 'completed', label: 'completed' },
      { field: 'cancelled', label: 'cancelled' },
    ],
  },
  {
    key: 'moneyDue',
    title: 'Money due',
    href: '/payments',
    figures: [
      { field: 'dueCents', label: 'due', money: true },
      { field: 'overdueCents', label: 'overdue', money: true },
      { field: 'families', label: 'families' },
    ],
  },
  {
    key: 'failedPayments',
    title: 'Failed payments',
    href: '/payments',
    figures: [
      { field: 'awaitingAction', label: 'awaiting action' },
      { field: 'retrying', label: 'retrying' },
      { field: 'flaggedFamilies', label: 'families flagged' },
    ],
  },
  { key: 'waitlist', title: 'Waitlist', href: '/enrollments', figures: [{ field: 'waiting', label: 'waiting' }] },
  { key: 'pendingApprovals', title: 'Pending approvals', href: '/approvals', figures: [{ field: 'pending', label: 'pending' }] },
  {
    key: 'openTasks',
    title: 'Open tasks',
    href: '/tasks',
    figures: [
      { field: 'open', label: 'open' },
      { field: 'overdue', label: 'overdue' },
    ],
  },
  { key: 'lessonsWithoutAttendance', title: 'Attendance to record', href: '/calendar', figures: [{ field: 'count', label: 'lessons' }] },
];
