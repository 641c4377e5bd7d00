// The agents table on PostgreSQL: as ./sqlite-agents.ts.
import { weekToData } from '../core/hours.js';
import type { PgDb, Sql } from './postgres-db.js';
import { AGENT_COLUMNS, type AgentRow, toAgent } from './rows.js';
import type { AgentRecord, NewAgent } from './store.js';

export class PgAgents {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async add(agent: NewAgent): Promise<AgentRecord | null> {
    const now = this.#db.now();
    const row = await this.#db.get<AgentRow>(
      `INSERT INTO agents (name, email, hours, time_zone, created_at, updated_at)
       VALUES (@name, @email, @hours, @timeZone, @now, @now)
       ON CONFLICT (name) DO NOTHING RETURNING ${AGENT_COLUMNS}`,
      {
        name: agent.name,
        email: agent.email,
        hours: agent.week === null ? null : JSON.stringify(weekToData(agent.week)),
        timeZone: agent.timeZone,
        now,
      },
    );
    return row === undefined ? null : toAgent(row);
  }

  /** By name in byte order, as SQLite sorts them. */
  async list(sql: Sql): Promise<AgentRecord[]> {
    const rows = await sql.all<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY name COLLATE "C"`);
    return rows.map(toAgent);
  }

  async get(sql: Sql, name: string): Promise<AgentRecord | null> {
    const row = await sql.get<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE name = @name`, { name });
    return row === undefined ? null : toAgent(row);
  }

  async setAvailable(
    name: string,
    available: boolean,
  ): Promise<{ changed: boolean; agent: AgentRecord } | null> {
    return this.#db.tx(async (sql) => {
      const changed =
        (await sql.run(
          `UPDATE agents SET available = @available, updated_at = @now
           WHERE name = @name AND available <> @available`,
          { available: Number(available), now: this.#db.now(), name },
        )) > 0;
      const agent = await this.get(sql, name);
      return agent === null ? null : { changed, agent };
    });
  }

  async remove(name: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM agents WHERE name = @name', { name })) > 0;
  }
}
