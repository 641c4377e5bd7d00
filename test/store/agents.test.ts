// The agents table through the Store interface on a real temp SQLite file and a PostgreSQL schema, times from the injected clock.
import { describe, expect, it } from 'vitest';
import { parseHoursSpec } from '../../src/core/hours.js';
import { describeStores } from '../helpers/stores.js';

await describeStores('agents', (backend) => {
  describe('agents', () => {
    it('add, get, list, set available, remove; times from the clock; an existing name is not replaced', async () => {
      let now = Date.parse('2025-06-10T12:00:00.000Z');
      const store = await backend.open({ now: () => now });
      try {
        const week = parseHoursSpec(['mon-fri 09:00-13:00,14:00-18:00', 'sat 22:00-02:00']);
        const asha = await store.addAgent({
          name: 'asha',
          email: 'a@example.com',
          week,
          timeZone: 'Asia/Kolkata',
        });
        expect(asha).toEqual({
          name: 'asha',
          email: 'a@example.com',
          week,
          timeZone: 'Asia/Kolkata',
          available: true,
          createdAt: '2025-06-10T12:00:00.000Z',
          updatedAt: '2025-06-10T12:00:00.000Z',
        });
        expect(await store.addAgent({ name: 'asha', email: null, week: null, timeZone: 'UTC' })).toBeNull();
        expect(await store.getAgent('asha')).toEqual(asha);
        expect(await store.getAgent('Asha')).toBeNull();
        await store.addAgent({ name: 'Ravi', email: null, week: null, timeZone: 'UTC' });
        expect((await store.listAgents()).map((a) => a.name)).toEqual(['Ravi', 'asha']);

        now += 60_000;
        expect(await store.setAgentAvailable('asha', false)).toEqual({
          changed: true,
          agent: { ...asha, available: false, updatedAt: '2025-06-10T12:01:00.000Z' },
        });
        now += 60_000;
        expect((await store.setAgentAvailable('asha', false))?.changed).toBe(false);
        expect((await store.getAgent('asha'))?.updatedAt).toBe('2025-06-10T12:01:00.000Z');
        expect(await store.setAgentAvailable('zed', true)).toBeNull();

        expect(await store.removeAgent('asha')).toBe(true);
        expect(await store.removeAgent('asha')).toBe(false);
        expect((await store.listAgents()).map((a) => a.name)).toEqual(['Ravi']);
      } finally {
        await store.close();
      }
    });
  });
});
