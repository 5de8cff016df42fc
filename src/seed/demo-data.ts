import type { SkillLevel } from '../db/schema/students.js';

// The demo school: fictional people (example.com addresses, 555 numbers) in Halifax, Nova Scotia.

/**
 * Every demo teacher and parent signs in with this password (never the admin, whose password
 * comes from ADMIN_PASSWORD or is generated). Demo data is for trying the system out only.
 */
export const DEMO_PASSWORD = 'demo-password-123';

export interface DemoTeacher {
  key: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  instruments: string[];
  hourlyRateCents: number;
  bio: string;
  /** Weekly hours in school time: ISO weekday (1 = Monday), 'HH:MM' start and end. */
  hours: Array<{ weekday: number; start: string; end: string }>;
}

export interface DemoStudent {
  firstName: string;
  age: number;
  instrument: string;
  skillLevel: SkillLevel;
  teacher: string;
  /** Lesson length; the rate follows the default pricing for it. */
  durationMinutes: 30 | 45 | 60;
  notes?: string;
}

export interface DemoFamily {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  children: DemoStudent[];
}

export const demoTeachers: DemoTeacher[] = [
  {
    key: 'sarah',
    firstName: 'Sarah',
    lastName: 'Mitchell',
    email: 'sarah.mitchell@example.com',
    phone: '+19025550111',
    instruments: ['piano', 'voice'],
    hourlyRateCents: 6000,
    bio: 'Conservatory-trained pianist and choir director; teaches piano and voice to all ages.',
    hours: [
      { weekday: 1, start: '15:00', end: '20:00' },
      { weekday: 3, start: '15:00', end: '20:00' },
      { weekday: 6, start: '09:00', end: '13:00' },
    ],
  },
  {
    key: 'david',
    firstName: 'David',
    lastName: 'Chen',
    email: 'david.chen@example.com',
    phone: '+19025550112',
    instruments: ['guitar'],
    hourlyRateCents: 5500,
    bio: 'Acoustic and electric guitar, from first chords to jazz standards.',
    hours: [
      { weekday: 2, start: '15:30', end: '20:30' },
      { weekday: 4, start: '15:30', end: '20:30' },
      { weekday: 6, start: '10:00', end: '14:00' },
    ],
  },
  {
    key: 'emilie',
    firstName: 'Émilie',
    lastName: 'Arsenault',
    email: 'emilie.arsenault@example.com',
    phone: '+19025550113',
    instruments: ['violin', 'piano'],
    hourlyRateCents: 6500,
    bio: 'Orchestral violinist, Suzuki-certified for young beginners; also teaches early piano.',
    hours: [
      { weekday: 1, start: '14:30', end: '19:00' },
      { weekday: 4, start: '14:30', end: '19:00' },
      { weekday: 5, start: '15:00', end: '18:00' },
      { weekday: 6, start: '09:00', end: '12:00' },
    ],
  },
  {
    key: 'liam',
    firstName: 'Liam',
    lastName: 'MacDonald',
    email: 'liam.macdonald@example.com',
    phone: '+19025550114',
    instruments: ['drums', 'guitar'],
    hourlyRateCents: 5000,
    bio: 'Session drummer: rock, jazz and Celtic rhythms.',
    hours: [
      { weekday: 3, start: '16:00', end: '21:00' },
      { weekday: 5, start: '16:00', end: '21:00' },
      { weekday: 6, start: '10:00', end: '15:00' },
    ],
  },
];

export const demoFamilies: DemoFamily[] = [
  {
    firstName: 'Jennifer',
    lastName: 'Thompson',
    email: 'jennifer.thompson@example.com',
    phone: '+19025550121',
    children: [
      { firstName: 'Emma', age: 9, instrument: 'piano', skillLevel: 'beginner', teacher: 'sarah', durationMinutes: 30 },
      { firstName: 'Noah', age: 13, instrument: 'guitar', skillLevel: 'intermediate', teacher: 'david', durationMinutes: 45 },
    ],
  },
  {
    firstName: 'Marc',
    lastName: 'Leblanc',
    email: 'marc.leblanc@example.com',
    phone: '+19025550122',
    children: [
      {
        firstName: 'Chloé',
        age: 15,
        instrument: 'violin',
        skillLevel: 'advanced',
        teacher: 'emilie',
        durationMinutes: 60,
        notes: 'Preparing for the provincial youth orchestra audition.',
      },
    ],
  },
  {
    firstName: 'Priya',
    lastName: 'Sharma',
    email: 'priya.sharma@example.com',
    phone: '+19025550123',
    children: [
      { firstName: 'Arjun', age: 11, instrument: 'drums', skillLevel: 'beginner', teacher: 'liam', durationMinutes: 30 },
      { firstName: 'Maya', age: 8, instrument: 'voice', skillLevel: 'beginner', teacher: 'sarah', durationMinutes: 30 },
      { firstName: 'Anika', age: 16, instrument: 'piano', skillLevel: 'intermediate', teacher: 'emilie', durationMinutes: 45 },
    ],
  },
  {
    firstName: 'Michael',
    lastName: "O'Brien",
    email: 'michael.obrien@example.com',
    phone: '+19025550124',
    children: [
      { firstName: 'Ciara', age: 6, instrument: 'violin', skillLevel: 'beginner', teacher: 'emilie', durationMinutes: 30 },
      { firstName: 'Sean', age: 17, instrument: 'drums', skillLevel: 'advanced', teacher: 'liam', durationMinutes: 60 },
    ],
  },
];

/** The 2026–2027 school year, its two semesters and the days the school is closed (inclusive dates). */
export const demoAcademicYear = {
  name: '2026-2027',
  startsOn: '2026-09-01',
  endsOn: '2027-06-30',
  semesters: [
    { name: 'Fall 2026', startsOn: '2026-09-08', endsOn: '2027-01-29' },
    { name: 'Winter/Spring 2027', startsOn: '2027-02-01', endsOn: '2027-06-25' },
  ],
  closures: [
    { name: 'Labour Day', startsOn: '2026-09-07', endsOn: '2026-09-07' },
    { name: 'Thanksgiving', startsOn: '2026-10-12', endsOn: '2026-10-12' },
    { name: 'Remembrance Day', startsOn: '2026-11-11', endsOn: '2026-11-11' },
    { name: 'Christmas break', startsOn: '2026-12-21', endsOn: '2027-01-03' },
    { name: 'Heritage Day (Nova Scotia)', startsOn: '2027-02-15', endsOn: '2027-02-15' },
    { name: 'March break', startsOn: '2027-03-15', endsOn: '2027-03-19' },
    { name: 'Good Friday', startsOn: '2027-03-26', endsOn: '2027-03-26' },
    { name: 'Victoria Day', startsOn: '2027-05-24', endsOn: '2027-05-24' },
  ],
} as const;

/** Upcoming weekly lessons seeded per student. */
export const DEMO_LESSONS_PER_STUDENT = 2;
