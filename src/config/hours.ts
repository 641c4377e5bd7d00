// Business hours: hours.json beside config.json, shared by every profile.
//   { "version": 1, "timeZone": "Asia/Kolkata",
//     "week": { "mon": ["09:00-18:00"], ..., "sun": [] }, "closed": ["2025-12-25"] }
// Validated on every load; a hand-edited file that no longer validates is an error naming the entry.
import { join } from 'node:path';
import { type BusinessHours, hoursFromData, weekToData } from '../core/hours.js';
import { invalidDataFile, readDataFile, writeDataFile } from './data-file.js';
import { configDir } from './paths.js';

export const HOURS_FILE = 'hours.json';

export function hoursPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(configDir(env), HOURS_FILE);
}

export class HoursFile {
  constructor(readonly path: string) {}

  /** The stored hours, or undefined when none are set. */
  async load(): Promise<BusinessHours | undefined> {
    const data = await readDataFile(this.path);
    if (data === undefined) return undefined;
    const { hours, problems } = hoursFromData(data);
    if (!hours) throw invalidDataFile(this.path, problems);
    return hours;
  }

  async save(hours: BusinessHours): Promise<void> {
    await writeDataFile(this.path, {
      version: 1,
      timeZone: hours.timeZone,
      week: weekToData(hours.week),
      closed: hours.closed,
    });
  }
}
