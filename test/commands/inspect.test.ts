import { describe, expect, it } from 'vitest';
import { expectError } from '../helpers/assert.js';
import { run } from '../helpers/cli.js';

describe('wabox inspect', () => {
  it('prints form, number, text and ref for people', async () => {
    const r = await run([
      'inspect',
      'https://wa.me/447911123456?text=Hola%0Aqu%C3%A9%20tal%20%5Bref%3Aspring%5D',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'form    wa.me',
        'number  +447911123456 (GG)',
        'text    Hola',
        '        qué tal',
        'ref     spring',
        '',
      ].join('\n'),
    );
  });

  it('says when a link has no number and no text', async () => {
    const r = await run(['inspect', 'https://wa.me/?text=%5Bref%3Ax%5D']);
    expect(r.stdout).toBe(
      ['form    share', 'number  (none: the user picks the chat)', 'text    (none)', 'ref     x', ''].join(
        '\n',
      ),
    );
  });

  it('reads the redirect form of api.whatsapp.com with its extra parameters', async () => {
    const url =
      'https://api.whatsapp.com/send/?phone=919876543210&text=Hi+there&type=phone_number&app_absent=0';
    const r = await run(['inspect', url, '--json']);
    expect(JSON.parse(r.stdout)).toEqual({
      url,
      phone: '+919876543210',
      waId: '919876543210',
      country: 'IN',
      text: 'Hi there',
      ref: null,
      form: 'api',
    });
  });

  it('reads whatsapp://send and a link without a scheme', async () => {
    const app = await run(['inspect', 'whatsapp://send?phone=919876543210&text=Hi', '--json']);
    expect(JSON.parse(app.stdout)).toMatchObject({ form: 'whatsapp', waId: '919876543210', text: 'Hi' });
    const bare = await run(['inspect', 'wa.me/919876543210', '--json']);
    expect(JSON.parse(bare.stdout)).toMatchObject({ form: 'wa.me', url: 'wa.me/919876543210', text: null });
  });

  it('refuses a managed short link with a clear error', async () => {
    expectError(
      await run(['inspect', 'https://wa.me/message/ABCDEF123GHIJ1']),
      2,
      'https://wa.me/message/ABCDEF123GHIJ1 is a managed short link: its text is stored by WhatsApp and cannot be read offline',
    );
  });

  it.each([
    [
      'https://example.com/?text=hi',
      '"https://example.com/?text=hi" is not a WhatsApp link (expected https://wa.me/..., https://api.whatsapp.com/send?... or whatsapp://send?...)',
    ],
    ['https://wa.me/44abc', 'the number in https://wa.me/44abc is not digits only ("44abc")'],
    ['https://wa.me/4477?text=hi', 'the link\'s number: "+4477" is too short for +44'],
    [
      'https://wa.me/447700900123?text=%E0%A4',
      'the text in https://wa.me/447700900123?text=%E0%A4 is not UTF-8 once percent-decoded',
    ],
  ])('refuses %s with exit 2', async (url, message) => {
    expectError(await run(['inspect', url]), 2, message);
  });

  it('returns the error as JSON under --json', async () => {
    const r = await run(['inspect', 'https://example.com', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'link.not_a_link', exitCode: 2 } });
  });

  it('reads links from stdin, one per line; a bad line is reported and the others still printed', async () => {
    const stdin = [
      'https://wa.me/919876543210?text=one',
      '',
      'https://wa.me/message/XYZ',
      'wa.me/447911123456',
    ].join('\n');
    const r = await run(['inspect', '--json'], { stdin });
    expect(r.code).toBe(2);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).waId),
    ).toEqual(['919876543210', '447911123456']);
    expect(r.stderr).toBe(
      'error: https://wa.me/message/XYZ is a managed short link: its text is stored by WhatsApp and cannot be read offline\n',
    );
    const dash = await run(['inspect', '-'], { stdin: 'https://wa.me/919876543210\n' });
    expect(dash.stdout).toContain('number  +919876543210 (IN)');
  });

  it('refuses binary stdin', async () => {
    expectError(
      await run(['inspect'], { stdin: Buffer.from([0xff, 0x00, 0x01]) }),
      2,
      'links on stdin is not UTF-8 text',
    );
  });
});
