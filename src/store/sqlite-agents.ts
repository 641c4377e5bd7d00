// The agents table (migration 6): who conversations are assigned to, their weekly hours and whether they
// are available. Names come normalised (core/label.ts normalizeAgent); nothing here validates them.
import type Database from 'better-sqlite3';
import { weekToData } from '../core/hours.js';
import { AGENT_COLUMNS, type AgentRow, toAgent } from './rows.js';
import type { AgentRecord, NewAgent } from './store.js';

export class SqliteAgents {
  readonly #db: Database.Database;
  readonly #now: () => number;

  constructor(db: Database.Database, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  add(agent: NewAgent): AgentRecord | null {
    const now = this.#now();
    const row = this.#db
      .prepare(
        `INSERT INTO agents (name, email, hours, time_zone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO NOTHING RETURNING ${AGENT_COLUMNS}`,
      )
      .get(
        agent.name,
        agent.email,
        agent.week === null ? null : JSON.stringify(weekToData(agent.week)),
        agent.timeZone,
        now,
        now,
      ) as AgentRow | undefined;
    return row === undefined ? null : toAgent(row);
  }

  list(): AgentRecord[] {
    const rows = this.#db.prepare(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY name`).all() as AgentRow[];
    return rows.map(toAgent);
  }

  get(name: string): AgentRecord | null {
    const row = this.#db.prepare(`SELECT ${AGENT_COLUMNS} FROM agents WHERE name = ?`).get(name) as
      | AgentRow
      | undefined;
    return row === undefined ? null : toAgent(row);
  }

  setAvailable(name: string, available: boolean): { changed: boolean; agent: AgentRecord } | null {
    const db = this.#db;
    return db
      .transaction(() => {
        const changed =
          db
            .prepare('UPDATE agents SET available = ?, updated_at = ? WHERE name = ? AND available <> ?')
            .run(Number(available), this.#now(), name, Number(available)).changes > 0;
        const agent = this.get(name);
        return agent === null ? null : { changed, agent };
      })
      .immediate();
  }

  remove(name: string): boolean {
    return this.#db.prepare('DELETE FROM agents WHERE name = ?').run(name).changes > 0;
  }
}
