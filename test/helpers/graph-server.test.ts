// The fake Graph server is strict (DESIGN.md §7): these check that the check itself fails.
import { describe, expect, it } from 'vitest';
import { SEND_OK, startFakeGraph } from './graph-server.js';

const PATH = '/v23.0/100/messages';
const post = (url: string) => fetch(`${url}${PATH}`, { method: 'POST', body: '{}' });

describe('the fake Graph server', () => {
  it('passes when every scripted reply was used, each exactly once', async () => {
    const graph = await startFakeGraph();
    graph.on('POST', PATH, [SEND_OK, { ...SEND_OK, times: 2 }]);
    for (let i = 0; i < 3; i++) expect((await post(graph.url)).status).toBe(200);
    await expect(graph.close()).resolves.toBeUndefined();
  });

  it('fails close() when a scripted reply was left over', async () => {
    const graph = await startFakeGraph();
    graph.on('POST', PATH, { ...SEND_OK, times: 2 });
    await post(graph.url);
    await expect(graph.close()).rejects.toThrow(`POST ${PATH}: a scripted reply was not used (1 left)`);
  });

  it('fails close() when a request came that nothing scripted, and answers it 404', async () => {
    const graph = await startFakeGraph();
    graph.on('POST', PATH, SEND_OK);
    await post(graph.url);
    expect((await post(graph.url)).status).toBe(404);
    expect((await fetch(`${graph.url}/v23.0/100`)).status).toBe(404);
    await expect(graph.close()).rejects.toThrow(
      [
        'fake Graph API:',
        `  POST ${PATH}: a request nothing scripted`,
        '  GET /v23.0/100: a request nothing scripted',
      ].join('\n'),
    );
  });

  it('close({ verify: false }) stops it without checking', async () => {
    const graph = await startFakeGraph();
    graph.on('POST', PATH, SEND_OK);
    await graph.close({ verify: false });
    expect(() => graph.verify()).toThrow(/a scripted reply was not used/);
  });
});
