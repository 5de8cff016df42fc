import { eq } from 'drizzle-orm';
import type { Database, Orm } from '../../db/client.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import { settings } from '../../db/schema/settings.js';
import type { SchoolSettings } from './reader.js';
import type { KnownSettings, SettingKey } from './types.js';
import { notFound, validationFailed } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { toIso } from '../records/common.js';
import { isSettingKey, settingSchemas, type SettingView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

type Row = typeof settings.$inferSelect;
const view = (row: Row): SettingView => ({ key: row.key, value: row.value, updatedAt: toIso(row.updatedAt), updatedBy: row.updatedBy });

/**
 * School settings as admins see them (every stored key, plus the defaults of known keys never
 * stored) and their only writer. Every write invalidates `reader`, the copy the other modules use.
 */
export class SettingsService {
  constructor(
    private readonly db: Database,
    private readonly reader: SchoolSettings,
  ) {}

  async list(caller: Caller): Promise<SettingView[]> {
    const rows = await asCaller(this.db, caller, (tx) => tx.select().from(settings).orderBy(settings.key));
    const stored = new Map(rows.map((row) => [row.key, view(row)]));
    const defaults = Object.entries(this.reader.defaults).filter(([key]) => !stored.has(key));
    const all = [...stored.values(), ...defaults.map(([key, value]) => ({ key, value, updatedAt: null, updatedBy: null }))];
    return all.sort((a, b) => a.key.localeCompare(b.key));
  }

  async get(caller: Caller, key: string): Promise<SettingView> {
    const [row] = await asCaller(this.db, caller, (tx) => tx.select().from(settings).where(eq(settings.key, key)));
    if (row) return view(row);
    if (!isSettingKey(key)) throw notFound(`Setting "${key}"`);
    return { key, value: this.reader.defaults[key], updatedAt: null, updatedBy: null };
  }

  /**
   * Validates `value` with the key's schema and stores it, with an audit row, in one transaction.
   * `timezone` and `school.timezone` are one fact: changing either updates the other.
   */
  async put(caller: Caller, actor: AuditActor, key: string, value: unknown): Promise<SettingView> {
    if (!isSettingKey(key)) throw notFound(`Setting "${key}" (known keys: ${Object.keys(settingSchemas).join(', ')})`);
    const parsed = settingSchemas[key].safeParse(value);
    if (!parsed.success) {
      throw validationFailed(parsed.error.issues.map((issue) => ({ field: ['body', 'value', ...issue.path.map(String)].join('.'), message: issue.message })));
    }
    try {
      return await asCaller(this.db, caller, async (tx) => {
        const saved = await this.write(tx, caller, actor, key, parsed.data);
        if (key === 'timezone') {
          const school = { ...(await this.current(tx, 'school')), timezone: parsed.data as string };
          await this.write(tx, caller, actor, 'school', school);
        } else if (key === 'school') {
          const zone = (parsed.data as KnownSettings['school']).timezone;
          if ((await this.current(tx, 'timezone')) !== zone) await this.write(tx, caller, actor, 'timezone', zone);
        }
        return saved;
      });
    } finally {
      // After the commit (or the rollback): a read begun during the transaction may hold the old value.
      this.reader.invalidate();
    }
  }

  private async current<K extends SettingKey>(tx: Orm, key: K): Promise<KnownSettings[K]> {
    const [row] = await tx.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
    return (row?.value ?? this.reader.defaults[key]) as KnownSettings[K];
  }

  private async write(tx: Orm, caller: Caller, actor: AuditActor, key: SettingKey, value: unknown): Promise<SettingView> {
    const [before] = await tx.select().from(settings).where(eq(settings.key, key)).for('update');
    const [row] = await tx
      .insert(settings)
      .values({ key, value, updatedBy: caller.userId })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy: caller.userId, updatedAt: new Date() } })
      .returning();
    await recordAudit(sqlExecutorOf(tx), actor, { action: before ? 'update' : 'create', entity: 'setting', entityId: key, before: before?.value ?? null, after: value });
    return view(row!);
  }
}
