/**
 * The SQL access the durable engine needs; structurally satisfied by src/db's SqlClient, so the
 * engine does not depend on the application's database module.
 */
export interface EngineSqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface EngineSql extends EngineSqlExecutor {
  transaction<T>(work: (tx: EngineSqlExecutor) => Promise<T>): Promise<T>;
}
