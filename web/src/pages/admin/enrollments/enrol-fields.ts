/** The enrollment form's fields, in the order the form shows them (two columns: the student, the parent). */

/** The form's values, as the inputs hold them. */
export const emptyEnrolForm = {
  studentFirstName: '',
  studentLastName: '',
  studentDateOfBirth: '',
  parentFirstName: '',
  parentLastName: '',
  parentEmail: '',
  parentPhone: '',
  instrument: '',
  lessonDuration: '30',
  paymentToken: 'pm_card_visa',
};
export type EnrolForm = typeof emptyEnrolForm;

/** One field: its label, input type, hint, whether required; `choices` makes it a select of the school's instruments or lesson lengths. */
export interface EnrolField {
  key: keyof EnrolForm;
  label: string;
  type?: 'text' | 'date' | 'email' | 'tel';
  hint?: string;
  required?: boolean;
  choices?: 'instruments' | 'lessonLengths';
}

export const studentFields: EnrolField[] = [
  { key: 'studentFirstName', label: "Student's first name", required: true },
  { key: 'studentLastName', label: "Student's last name", required: true },
  { key: 'studentDateOfBirth', label: "Student's date of birth", type: 'date', required: true },
  { key: 'instrument', label: 'Instrument', required: true, choices: 'instruments' },
  { key: 'lessonDuration', label: 'Lesson length', choices: 'lessonLengths' },
];

export const parentFields: EnrolField[] = [
  { key: 'parentFirstName', label: "Parent's first name", required: true },
  { key: 'parentLastName', label: "Parent's last name", required: true },
  { key: 'parentEmail', label: "Parent's e-mail", type: 'email', required: true },
  { key: 'parentPhone', label: "Parent's phone", type: 'tel', hint: '10 digits', required: true },
  { key: 'paymentToken', label: 'Card', hint: 'A test card of the simulated gateway (pm_card_visa, pm_card_chargeDeclined …), or empty' },
];
