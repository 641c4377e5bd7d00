// better-sqlite3 behind the async SqlDb of ./sql.ts, so store code written once runs on both backends.
// better-sqlite3 binds `@name` itself; a transaction is BEGIN IMMEDIATE ... COMMIT around async work,
// one at a time per connection (a second waits its turn), since the work awaits between statements.
import type Database from 'better-sqlite3';
import type { Params, Sql, SqlDb } from './sql.js';

/** better-sqlite3 refuses an object of names for a statement that has no parameters. */
const bound = (params: Params | undefined): [Params] | [] => (params === undefined ? [] : [params]);

class SqliteQueries implements Sql {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async all<R>(sql: string, params?: Params): Promise<R[]> {
    return this.#statement(sql).all(...bound(params)) as R[];
  }

  async get<R>(sql: string, params?: Params): Promise<R | undefined> {
    return this.#statement(sql).get(...bound(params)) as R | undefined;
  }

  async run(sql: string, params?: Params): Promise<number> {
    return this.#statement(sql).run(...bound(params)).changes;
  }
}

export class SqliteSqlDb extends SqliteQueries implements SqlDb {
  readonly #db: Database.Database;
  readonly now: () => number;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(db: Database.Database, now: () => number) {
    super(db);
    this.#db = db;
    this.now = now;
  }

  tx<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const run = this.#turn.then(async () => {
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    });
    this.#turn = run.catch(() => {});
    return run;
  }
}
