// What store code written once for both backends runs on: queries with named parameters (`@name`) that
// resolve to rows, and transactions. PostgreSQL: ./postgres-db.ts (PgDb); SQLite: ./sqlite-sql.ts.

/** Parameters by name: `@name` in the SQL. */
export type Params = Record<string, unknown>;

/** What a query runs on: the pool (autocommit) or a transaction's client. */
export interface Sql {
  /** The rows of a query. */
  all<R>(sql: string, params?: Params): Promise<R[]>;
  /** The first row, or undefined. */
  get<R>(sql: string, params?: Params): Promise<R | undefined>;
  /** The number of rows a statement changed. */
  run(sql: string, params?: Params): Promise<number>;
}

/** A database: queries outside a transaction, and transactions committed before `tx` resolves. */
export interface SqlDb extends Sql {
  tx<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** The clock of the times the store records itself (ms since the epoch). */
  now(): number;
}
