/**
 * The columns each kind of import reads, and the headers accepted for them. A header matches when,
 * lower-cased with everything but letters and digits removed, it equals the field's name or one of
 * its aliases: `Parent Email`, `parent_email`, `PARENT-EMAIL` and `parentEmail` are all
 * `parentEmail`. Headers matching no field are ignored (and listed in the answer).
 */
export const importKinds = ['families', 'teachers', 'weekly-hours'] as const;
export type ImportKind = (typeof importKinds)[number];

interface FieldSpec {
  required: boolean;
  /** Other headers typical exports use for this field (normalised: lower case, letters and digits). */
  aliases: readonly string[];
}

const required = (...aliases: string[]): FieldSpec => ({ required: true, aliases });
const optional = (...aliases: string[]): FieldSpec => ({ required: false, aliases });

export const fieldsByKind = {
  families: {
    parentEmail: required('email', 'guardianemail', 'parentguardianemail', 'familyemail', 'primaryemail', 'emailaddress', 'contactemail', 'parentemailaddress'),
    parentFirstName: required('guardianfirstname', 'parentfirst', 'contactfirstname', 'parentguardianfirstname'),
    parentLastName: required('guardianlastname', 'parentlast', 'contactlastname', 'familyname', 'parentguardianlastname'),
    parentPhone: optional('phone', 'guardianphone', 'mobile', 'cellphone', 'cell', 'phonenumber', 'contactphone', 'parentmobile'),
    studentFirstName: required('childfirstname', 'studentfirst', 'pupilfirstname', 'studentname'),
    studentLastName: required('childlastname', 'studentlast', 'pupillastname'),
    studentDateOfBirth: required('dateofbirth', 'dob', 'birthdate', 'birthday', 'studentdob', 'childdateofbirth', 'studentbirthdate'),
    instrument: required('studentinstrument', 'primaryinstrument', 'lessoninstrument'),
    skillLevel: optional('level', 'studentlevel'),
    lessonRate: optional('rate', 'lessonprice', 'price', 'ratecad', 'lessonratecad', 'tuition'),
    studentEmail: optional('childemail', 'pupilemail'),
    teacherEmail: optional('instructoremail'),
    notes: optional('studentnotes', 'comments', 'comment'),
  },
  teachers: {
    email: required('teacheremail', 'emailaddress', 'instructoremail'),
    firstName: required('teacherfirstname', 'first', 'givenname'),
    lastName: required('teacherlastname', 'last', 'surname', 'familyname'),
    phone: optional('mobile', 'cellphone', 'cell', 'phonenumber'),
    instruments: required('instrument', 'teaches'),
    hourlyRate: required('rate', 'payrate', 'ratecad', 'hourlyratecad'),
    maxStudents: optional('capacity', 'studentlimit'),
    bio: optional('biography', 'about', 'profile'),
  },
  'weekly-hours': {
    teacherEmail: required('email', 'instructoremail'),
    weekday: required('day', 'dayofweek'),
    start: required('starttime', 'from', 'starts'),
    end: required('endtime', 'to', 'until', 'ends'),
  },
} as const satisfies Record<ImportKind, Record<string, FieldSpec>>;

export type FieldOf<K extends ImportKind> = keyof (typeof fieldsByKind)[K] & string;

/** `Parent E-mail` → `parentemail`. */
export const normaliseHeader = (header: string): string => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The fields of `kind` by every normalised header that names them (their own name and aliases). */
function headerIndex(kind: ImportKind): Map<string, string> {
  const index = new Map<string, string>();
  for (const [field, spec] of Object.entries(fieldsByKind[kind]) as Array<[string, FieldSpec]>) {
    index.set(normaliseHeader(field), field);
    for (const alias of spec.aliases) index.set(alias, field);
  }
  return index;
}

export const fieldNames = (kind: ImportKind): string[] => Object.keys(fieldsByKind[kind]);
export const requiredFields = (kind: ImportKind): string[] =>
  (Object.entries(fieldsByKind[kind]) as Array<[string, FieldSpec]>).filter(([, spec]) => spec.required).map(([field]) => field);

export interface ColumnPlan {
  /** Column index in the file → field. */
  byIndex: Map<number, string>;
  /** Field → the header the file used (row errors name it). */
  headers: Record<string, string>;
  /** Headers that matched no field. */
  ignored: string[];
  /** Required fields without a column. */
  missing: string[];
  /** Fields named by two columns: [field, first header, second header]. */
  duplicates: Array<[string, string, string]>;
}

/**
 * Maps the file's header row to fields. `mapping` (file header → field) wins over the aliases,
 * for exports whose headers are not known here.
 */
export function planColumns(kind: ImportKind, header: readonly string[], mapping: Readonly<Record<string, string>> = {}): ColumnPlan {
  const index = headerIndex(kind);
  const explicit = new Map(Object.entries(mapping).map(([from, to]) => [normaliseHeader(from), to]));
  const plan: ColumnPlan = { byIndex: new Map(), headers: {}, ignored: [], missing: [], duplicates: [] };
  header.forEach((raw, i) => {
    const name = raw.trim();
    const field = explicit.get(normaliseHeader(name)) ?? index.get(normaliseHeader(name));
    if (!field) {
      if (name !== '') plan.ignored.push(name);
      return;
    }
    const earlier = plan.headers[field];
    if (earlier !== undefined) {
      plan.duplicates.push([field, earlier, name]);
      return;
    }
    plan.byIndex.set(i, field);
    plan.headers[field] = name;
  });
  plan.missing = requiredFields(kind).filter((field) => plan.headers[field] === undefined);
  return plan;
}
