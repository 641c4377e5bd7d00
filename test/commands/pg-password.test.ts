// A PostgreSQL store URL without a password: the password comes from PGPASSWORD or ~/.pgpass, as libpq
// reads them. The test PostgreSQL trusts 127.0.0.1 and never asks for a password, so a real server could
// not tell whether one was sent: a server on 127.0.0.1 that speaks the start of the protocol asks for it
// in clear text, records what it gets and refuses it. The password never appears in wabox's output.
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, tempDir } from '../helpers/cli.js';

const USER = 'wabox_team';

/** A PostgreSQL server's first steps: no TLS, AuthenticationCleartextPassword, then 28P01 for any password. */
function passwordServer(passwords: string[]): Server {
  return createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8 || buffer.length < buffer.readInt32BE(0)) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(buffer.readInt32BE(0));
          if (code === 80877103) {
            socket.write('N'); // SSLRequest: not here
            continue;
          }
          started = true;
          const ask = Buffer.alloc(9);
          ask.write('R', 0);
          ask.writeInt32BE(8, 1);
          ask.writeInt32BE(3, 5);
          socket.write(ask);
          continue;
        }
        if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
        const type = String.fromCharCode(buffer[0]!);
        const body = buffer.subarray(5, 1 + buffer.readInt32BE(1));
        buffer = buffer.subarray(1 + buffer.readInt32BE(1));
        if (type !== 'p') continue;
        passwords.push(body.subarray(0, body.indexOf(0)).toString('utf8'));
        const fields = Buffer.from(
          `SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "${USER}"\0\0`,
        );
        const head = Buffer.alloc(5);
        head.write('E', 0);
        head.writeInt32BE(4 + fields.length, 1);
        socket.end(Buffer.concat([head, fields]));
        return;
      }
    });
  });
}

describe('the PostgreSQL password from the environment', () => {
  const passwords: string[] = [];
  const server = passwordServer(passwords);
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const inbox = (env: Record<string, string | undefined>) =>
    spawnCli(['inbox', '--json'], {
      env: {
        WABOX_DB: `postgres://${USER}@127.0.0.1:${port}/test`,
        WABOX_CONFIG_DIR: tempDir('wabox-config-'),
        HOME: tempDir('wabox-home-'),
        PGPASSWORD: undefined,
        PGPASSFILE: undefined,
        ...env,
      },
    });

  it('PGPASSWORD is sent, and shown nowhere when the server refuses it', async () => {
    passwords.length = 0;
    const secret = 'pw-from-env-5f3a9c';
    const result = await inbox({ PGPASSWORD: secret });
    expect(passwords).toContain(secret);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr).error).toMatchObject({
      code: 'store.open_failed',
      message: expect.stringMatching(/password authentication failed/),
    });
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('~/.pgpass is read when PGPASSWORD is not set', async () => {
    passwords.length = 0;
    const secret = 'pw-from-pgpass-81d2e0';
    const home = tempDir('wabox-home-');
    const file = join(home, '.pgpass');
    writeFileSync(file, `127.0.0.1:${port}:test:${USER}:${secret}\n`);
    chmodSync(file, 0o600); // libpq and pg ignore a file others can read
    const result = await inbox({ HOME: home });
    expect(passwords).toEqual([secret]);
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
