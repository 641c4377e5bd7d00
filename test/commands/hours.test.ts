import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, spawnCli, tempDir } from '../helpers/cli.js';

const SPEC_HINT =
  'hint: accepted form: <days> <HH:MM-HH:MM>[,<HH:MM-HH:MM>...], e.g. "mon-fri 09:00-18:00" "sat 10:00-14:00" "fri 20:00-02:00"; days are mon tue wed thu fri sat sun, a run mon-fri, a list mon,wed,fri or daily; "sun closed" closes a day\n';
const ZONE_HINT =
  'hint: accepted form: an IANA time zone name such as Europe/London, America/New_York, Asia/Kolkata or Asia/Kathmandu\n';

function workspace(clock = new Date('2024-03-09T14:30:00Z')) {
  const dir = tempDir('wabox-hours-');
  return {
    dir,
    file: join(dir, 'hours.json'),
    run: (argv: string[]) => run(argv, { env: { WABOX_CONFIG_DIR: dir }, overrides: { clock: () => clock } }),
  };
}

const plain = (r: { code: number; stdout: string; stderr: string }) => ({
  code: r.code,
  stdout: r.stdout,
  stderr: r.stderr,
});

describe('wabox hours set, show', () => {
  it('sets the week in a zone and shows it; the file is 0600 JSON', async () => {
    const w = workspace();
    const set = await w.run([
      'hours',
      'set',
      'mon-fri',
      '09:00-13:00,14:00-18:00',
      'sat 10:00-14:00',
      'fri 20:00-02:00',
      '--tz',
      'Asia/Kolkata',
    ]);
    expect(plain(set)).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'business hours set:\ntime zone: Asia/Kolkata\nmon-thu 09:00-13:00,14:00-18:00\nfri 09:00-13:00,14:00-18:00,20:00-02:00\nsat 10:00-14:00\nclosed on: -\n',
    });
    expect(statSync(w.file).mode & 0o777).toBe(0o600);
    expect(plain(await w.run(['hours', 'show']))).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'time zone: Asia/Kolkata\nmon-thu 09:00-13:00,14:00-18:00\nfri 09:00-13:00,14:00-18:00,20:00-02:00\nsat 10:00-14:00\nclosed on: -\n',
    });
    const json = JSON.parse((await w.run(['hours', 'show', '--json'])).stdout);
    expect(json).toEqual({
      timeZone: 'Asia/Kolkata',
      specs: [
        'mon-thu 09:00-13:00,14:00-18:00',
        'fri 09:00-13:00,14:00-18:00,20:00-02:00',
        'sat 10:00-14:00',
      ],
      week: {
        mon: ['09:00-13:00', '14:00-18:00'],
        tue: ['09:00-13:00', '14:00-18:00'],
        wed: ['09:00-13:00', '14:00-18:00'],
        thu: ['09:00-13:00', '14:00-18:00'],
        fri: ['09:00-13:00', '14:00-18:00', '20:00-02:00'],
        sat: ['10:00-14:00'],
        sun: [],
      },
      closed: [],
    });
    // the zone is kept by a later set; --tz alone changes only the zone
    await w.run(['hours', 'set', 'daily 10:00-12:00']);
    const zoneOnly = await w.run(['hours', 'set', '--tz', 'Asia/Kathmandu', '--json']);
    expect(JSON.parse(zoneOnly.stdout)).toMatchObject({
      timeZone: 'Asia/Kathmandu',
      specs: ['daily 10:00-12:00'],
    });
  });

  it('refuses invalid specs, overlapping ranges and unknown zones with the accepted form, writing nothing', async () => {
    const w = workspace();
    await w.run(['hours', 'set', 'mon-fri 09:00-18:00', '--tz', 'Europe/London']);
    const before = readFileSync(w.file, 'utf8');
    const cases: Array<[string[], string]> = [
      [
        ['mon-fri 9-6'],
        `error: invalid hours "mon-fri 9-6": "9-6" is not a time range like 09:00-18:00\n${SPEC_HINT}`,
      ],
      [
        ['mondays 09:00-18:00'],
        `error: invalid hours "mondays 09:00-18:00": "mondays" is not a day or a run of days like mon-fri\n${SPEC_HINT}`,
      ],
      [
        ['fri 20:00-02:00', 'sat 01:00-05:00'],
        `error: overlapping business hours: "fri 20:00-02:00" overlaps "sat 01:00-05:00"\nhint: merge them into one range or make them touch (e.g. 09:00-13:00,13:00-18:00); ${SPEC_HINT.slice('hint: '.length)}`,
      ],
      [
        ['mon 09:00-18:00', '--tz', 'Asia/Kolkatta'],
        `error: unknown time zone "Asia/Kolkatta"\n${ZONE_HINT}`,
      ],
      [['mon 09:00-18:00', '--tz', 'GMT+5:30'], `error: unknown time zone "GMT+5:30"\n${ZONE_HINT}`],
      [
        [],
        'error: nothing to set: give the hours, --tz, or both\nhint: e.g. wabox hours set "mon-fri 09:00-18:00" --tz Asia/Kolkata\n',
      ],
    ];
    for (const [args, stderr] of cases)
      expect(plain(await w.run(['hours', 'set', ...args]))).toEqual({ code: 2, stdout: '', stderr });
    expect(readFileSync(w.file, 'utf8')).toBe(before);
  });

  it('needs --tz the first time; show and status need hours (exit 3)', async () => {
    const w = workspace();
    expect(plain(await w.run(['hours', 'set', 'mon 09:00-18:00']))).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: missing --tz: the first time, say which time zone the hours are in\nhint: accepted form: an IANA time zone name such as Europe/London, America/New_York or Asia/Kolkata\n`,
    });
    const notSet =
      'error: no business hours are set\nhint: set them first, e.g.: wabox hours set "mon-fri 09:00-18:00" "sat 10:00-14:00" --tz Asia/Kolkata\n';
    for (const argv of [
      ['hours', 'show'],
      ['hours', 'status'],
      ['hours', 'closed', 'add', '2024-12-25'],
    ])
      expect(plain(await w.run(argv))).toEqual({ code: 3, stdout: '', stderr: notSet });
  });

  it('a hand-edited file that no longer validates is exit 3 naming the file and the entry', async () => {
    const w = workspace();
    await w.run(['hours', 'set', 'mon 09:00-18:00', '--tz', 'Asia/Kolkata']);
    const data = JSON.parse(readFileSync(w.file, 'utf8'));
    data.week.tue = ['10:00-25:00'];
    writeFileSync(w.file, JSON.stringify(data));
    expect(plain(await w.run(['hours', 'status']))).toEqual({
      code: 3,
      stdout: '',
      stderr: `error: ${w.file}: week.tue[0] "10:00-25:00" is not a time range like 09:00-18:00\nhint: fix or remove that entry in ${w.file} (wabox never rewrites the file while it is invalid)\n`,
    });
    // a later set does not overwrite it
    expect((await w.run(['hours', 'set', 'mon 10:00-11:00'])).code).toBe(3);
    expect(JSON.parse(readFileSync(w.file, 'utf8')).week.tue).toEqual(['10:00-25:00']);
  });
});

describe('wabox hours status', () => {
  it('closed now (injected clock), with the next opening in the zone offset', async () => {
    const w = workspace(new Date('2024-03-09T14:30:00Z')); // Saturday 20:00 IST
    await w.run(['hours', 'set', 'mon-fri 09:00-18:00', '--tz', 'Asia/Kolkata']);
    expect(plain(await w.run(['hours', 'status']))).toEqual({
      code: 0,
      stderr: '',
      stdout: 'closed — opens Mon 11 Mar 09:00 IST (in 1 d 13 h)\n',
    });
    expect(JSON.parse((await w.run(['hours', 'status', '--json'])).stdout)).toEqual({
      open: false,
      closesAt: null,
      nextOpen: '2024-03-11T09:00:00+05:30',
      timeZone: 'Asia/Kolkata',
    });
    expect(plain(await w.run(['hours', 'status', '--at', '2024-03-11T09:30']))).toEqual({
      code: 0,
      stderr: '',
      stdout: 'open — closes 18:00 IST (in 8 h 30 min)\n',
    });
    const human = async (at: string) => (await w.run(['hours', 'status', '--at', at])).stdout;
    expect(await human('2024-03-11T08:53')).toBe('closed — opens 09:00 IST (in 7 min)\n');
    expect(await human('2024-03-11T08:59:30')).toBe('closed — opens 09:00 IST (in less than a minute)\n');
    expect(await human('2024-03-11T17:00')).toBe('open — closes 18:00 IST (in 1 h)\n');
    expect(await human('2024-03-08T18:00')).toBe('closed — opens Mon 11 Mar 09:00 IST (in 2 d 15 h)\n');
    expect(await human('2024-12-31T19:00')).toBe('closed — opens Wed 1 Jan 2025 09:00 IST (in 14 h)\n');
    expect(plain(await w.run(['hours', 'status', '--at', 'tomorrow']))).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: invalid time "tomorrow"\nhint: accepted form: ISO 8601, e.g. 2025-03-10T09:30:00+05:30, 2025-03-10T04:00:00Z, or 2025-03-10T09:30 in the business time zone\n',
    });
  });

  it('Asia/Kathmandu (+05:45) and America/New_York across spring-forward', async () => {
    const w = workspace();
    await w.run(['hours', 'set', 'sun-fri 10:00-17:00', '--tz', 'Asia/Kathmandu']);
    expect(
      JSON.parse((await w.run(['hours', 'status', '--at', '2024-03-11T04:15:00Z', '--json'])).stdout),
    ).toEqual({
      open: true,
      closesAt: '2024-03-11T17:00:00+05:45',
      nextOpen: null,
      timeZone: 'Asia/Kathmandu',
    });
    await w.run(['hours', 'set', 'sun 02:30-04:00', 'mon-fri 09:00-17:00', '--tz', 'America/New_York']);
    const status = async (at: string) =>
      JSON.parse((await w.run(['hours', 'status', '--at', at, '--json'])).stdout);
    // Saturday evening EST: the Sunday range in the skipped hour opens at 03:30 EDT
    expect(await status('2024-03-09T20:00')).toMatchObject({
      open: false,
      nextOpen: '2024-03-10T03:30:00-04:00',
    });
    // --at in the skipped hour itself: 02:45 is read as 03:45 EDT, inside the range
    expect(await status('2024-03-10T02:45')).toMatchObject({
      open: true,
      closesAt: '2024-03-10T04:00:00-04:00',
    });
    expect(await status('2024-03-10T04:00')).toMatchObject({
      open: false,
      nextOpen: '2024-03-11T09:00:00-04:00',
    });
  });

  it('closed dates: add (validated, deduplicated, sorted), list, rm', async () => {
    const w = workspace(new Date('2024-12-24T12:00:00Z')); // Tuesday 17:30 IST
    await w.run(['hours', 'set', 'mon-fri 09:00-18:00', '--tz', 'Asia/Kolkata']);
    expect(plain(await w.run(['hours', 'closed', 'add', '2024-12-25', '2024-12-26', '2024-12-25']))).toEqual({
      code: 0,
      stdout: '',
      stderr: 'closed on: 2024-12-25, 2024-12-26\n',
    });
    expect(JSON.parse((await w.run(['hours', 'closed', 'add', '2024-01-26', '--json'])).stdout)).toEqual([
      '2024-01-26',
      '2024-12-25',
      '2024-12-26',
    ]);
    expect(
      JSON.parse((await w.run(['hours', 'status', '--at', '2024-12-24T19:00', '--json'])).stdout),
    ).toMatchObject({
      open: false,
      nextOpen: '2024-12-27T09:00:00+05:30',
    });
    expect(plain(await w.run(['hours', 'closed', 'add', '2024-02-30']))).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: invalid date "2024-02-30"\nhint: accepted form: YYYY-MM-DD, e.g. 2025-12-25\n',
    });
    expect(plain(await w.run(['hours', 'closed', 'rm', '2024-12-31']))).toEqual({
      code: 6,
      stdout: '',
      stderr: 'error: not a closed date: 2024-12-31\nhint: list them with: wabox hours closed list\n',
    });
    await w.run(['hours', 'closed', 'rm', '2024-12-26']);
    expect(plain(await w.run(['hours', 'closed', 'list']))).toEqual({
      code: 0,
      stderr: '',
      stdout: '2024-01-26\n2024-12-25\n',
    });
    expect((await w.run(['hours', 'show'])).stdout).toBe(
      'time zone: Asia/Kolkata\nmon-fri 09:00-18:00\nclosed on: 2024-01-26, 2024-12-25\n',
    );
    // a new week keeps the closed dates
    await w.run(['hours', 'set', 'mon-sat 10:00-19:00']);
    expect(JSON.parse((await w.run(['hours', 'closed', 'list', '--json'])).stdout)).toEqual([
      '2024-01-26',
      '2024-12-25',
    ]);
    expect(JSON.parse((await w.run(['hours', 'status', '--json'])).stdout)).toMatchObject({
      open: true,
      closesAt: '2024-12-24T19:00:00+05:30',
    });
  });

  it('through the built CLI', async () => {
    const env = { WABOX_CONFIG_DIR: tempDir('wabox-spawn-') };
    expect(
      (await spawnCli(['hours', 'set', 'mon-fri 09:00-18:00', '--tz', 'Europe/London'], { env })).code,
    ).toBe(0);
    const r = await spawnCli(['hours', 'status', '--at', '2024-03-29T18:30:00Z', '--json'], { env });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({
      open: false,
      closesAt: null,
      nextOpen: '2024-04-01T09:00:00+01:00',
      timeZone: 'Europe/London',
    });
  });
});
