// The check of one recipient's template values against Meta's template definition: every problem that
// would make the API refuse the send, each naming where the value came from.
import { describe, expect, it } from 'vitest';
import {
  type ColumnMapping,
  checkTemplateValues,
  mappedColumns,
  missingColumns,
  rowTemplateValues,
  type TemplateDefinition,
  type TemplateParameter,
  type TemplateValues,
  templatePlaceholders,
  templateShape,
} from '../../src/core/meta-template.js';

/** A positional MARKETING template as GET /message_templates returns it. */
const positional: TemplateDefinition = {
  name: 'diwali_offer',
  language: 'en_US',
  parameterFormat: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1h'] } },
    {
      type: 'BODY',
      text: 'Hi {{1}}, {{2}} off everything at {{3}} until Sunday. Show {{2}} at the till.',
      example: { body_text: [['Asha', '20%', 'Koramangala']] },
    },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Shop now', url: 'https://shop.example/offer/{{1}}', example: ['a1'] },
        { type: 'QUICK_REPLY', text: 'Not interested' },
        { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+919876543210' },
      ],
    },
  ],
};

const named: TemplateDefinition = {
  name: 'order_ready',
  language: 'en',
  parameterFormat: 'NAMED',
  components: [
    {
      type: 'HEADER',
      format: 'TEXT',
      text: 'Order {{order_id}} is ready',
      example: { header_text_named_params: [{ param_name: 'order_id', example: '42' }] },
    },
    {
      type: 'BODY',
      text: 'Hello {{first_name}}, your order {{order_id}} is ready at {{store}}.',
      example: {
        body_text_named_params: [
          { param_name: 'first_name', example: 'Asha' },
          { param_name: 'order_id', example: '42' },
          { param_name: 'store', example: 'MG Road' },
        ],
      },
    },
    { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] },
  ],
};

const text = (t: string): TemplateParameter => ({ type: 'text', text: t });
const nm = (name: string, t: string): TemplateParameter => ({ type: 'text', text: t, name });
const image = { type: 'image' as const, source: { link: 'https://cdn.example/a.jpg' } };
const goodPositional: TemplateValues = {
  header: image,
  body: [text('Asha'), text('20%'), text('Koramangala')],
  buttons: [{ subType: 'url', index: 0, text: 'a1' }],
};
const goodNamed: TemplateValues = {
  header: { type: 'text', text: '42', name: 'order_id' },
  body: [nm('first_name', 'Asha'), nm('order_id', '42'), nm('store', 'MG Road')],
  buttons: [{ subType: 'copy_code', index: 0, code: 'SAVE10' }],
};
const src = { header: 'column "photo"', body: ['column "name"', 'column "discount"', 'column "store"'] };

const messages = (def: TemplateDefinition, values: TemplateValues, sources = {}) =>
  checkTemplateValues(def, values, sources).map((p) => p.message);
const codes = (def: TemplateDefinition, values: TemplateValues) =>
  checkTemplateValues(def, values).map((p) => p.graphCode);

describe('templateShape', () => {
  it('reads the slots of a positional template: {{2}} twice is one parameter', () => {
    const shape = templateShape(positional);
    expect(shape.format).toBe('POSITIONAL');
    expect(shape.header).toEqual({ format: 'IMAGE', text: null, params: [] });
    expect(shape.body?.params).toEqual(['1', '2', '3']);
    expect(shape.buttons.map((b) => [b.index, b.type, b.needs])).toEqual([
      [0, 'URL', 'url'],
      [1, 'QUICK_REPLY', null],
      [2, 'PHONE_NUMBER', null],
    ]);
    expect(shape.bodyOnly).toBe(false);
  });
  it('reads named parameters in order of appearance, once each', () => {
    const shape = templateShape(named);
    expect(shape.format).toBe('NAMED');
    expect(shape.header?.params).toEqual(['order_id']);
    expect(shape.body?.params).toEqual(['first_name', 'order_id', 'store']);
    expect(shape.buttons[0]?.needs).toBe('copy_code');
  });
  it('without parameter_format, names make it NAMED and numbers POSITIONAL', () => {
    const body = (t: string): TemplateDefinition => ({
      name: 'x',
      language: 'en',
      components: [{ type: 'BODY', text: t }],
    });
    expect(templateShape(body('Hi {{name}}')).format).toBe('NAMED');
    expect(templateShape(body('Hi {{1}}')).format).toBe('POSITIONAL');
    expect(templateShape(body('Hi {{1}}')).bodyOnly).toBe(true);
  });
  it('a gap in positional placeholders still counts up to the highest', () => {
    expect(
      templateShape({ name: 'x', language: 'en', components: [{ type: 'BODY', text: '{{1}} {{3}}' }] }).body
        ?.params,
    ).toEqual(['1', '2', '3']);
  });
  it('a static URL button and an OTP button: only the OTP needs a value', () => {
    const shape = templateShape({
      name: 'otp',
      language: 'en',
      components: [
        { type: 'BODY', text: '{{1}} is your code' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'URL', text: 'Site', url: 'https://a.example/' },
            { type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' },
            { type: 'OTP', otp_type: 'ZERO_TAP', text: 'Auto' },
          ],
        },
      ],
    });
    expect(shape.buttons.map((b) => b.needs)).toEqual([null, 'url', null]);
  });
  it('tolerates junk components and buttons', () => {
    const shape = templateShape({
      name: 'x',
      language: 'en',
      components: [null, 'x', { type: 'BUTTONS', buttons: [null, { type: 'URL' }] }],
    });
    expect(shape.body).toBeNull();
    expect(shape.header).toBeNull();
    expect(shape.buttons.map((b) => b.needs)).toEqual([null, null]);
  });
  it('templatePlaceholders: spaces inside braces allowed, order of first appearance', () => {
    expect(templatePlaceholders('{{ b }} {{a}} {{b}} {x} {{}}')).toEqual(['b', 'a']);
  });
});

describe('checkTemplateValues: good rows', () => {
  it('a complete positional row has no problems', () => {
    expect(checkTemplateValues(positional, goodPositional, src)).toEqual([]);
  });
  it('a complete named row has no problems', () => {
    expect(checkTemplateValues(named, goodNamed)).toEqual([]);
  });
  it('a quick-reply payload is optional and accepted', () => {
    expect(
      checkTemplateValues(positional, {
        ...goodPositional,
        buttons: [...goodPositional.buttons!, { subType: 'quick_reply', index: 1, payload: 'NO' }],
      }),
    ).toEqual([]);
  });
  it('currency and date_time parameters count as body parameters', () => {
    expect(
      checkTemplateValues(positional, {
        ...goodPositional,
        body: [
          text('Asha'),
          { type: 'currency', code: 'INR', amount1000: 100_000, fallback: '₹100' },
          { type: 'date_time', fallback: 'Sunday' },
        ],
      }),
    ).toEqual([]);
  });
  it('a template without parameters takes no values', () => {
    const hello: TemplateDefinition = {
      name: 'hello_world',
      language: 'en_US',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
        { type: 'BODY', text: 'Welcome and congratulations!!' },
        { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
      ],
    };
    expect(checkTemplateValues(hello, {})).toEqual([]);
    expect(messages(hello, { body: [text('x')] }, { body: ['column "name"'] })).toEqual([
      'the body takes 0 parameters, 1 is given: column "name" too many',
    ]);
    expect(messages(hello, { header: { type: 'text', text: 'x' } }, { header: 'column "h"' })).toEqual([
      `the header text (column "h") is given, but the template's header is fixed text`,
    ]);
  });
});

describe('checkTemplateValues: counts (132000)', () => {
  it('too few positional parameters names the missing placeholders', () => {
    expect(messages(positional, { ...goodPositional, body: [text('Asha')] }, src)).toEqual([
      'the body takes 3 parameters ({{1}}-{{3}}), 1 is given: {{2}}-{{3}} missing',
    ]);
    expect(messages(positional, { ...goodPositional, body: [text('Asha'), text('1')] })).toEqual([
      'the body takes 3 parameters ({{1}}-{{3}}), 2 are given: {{3}} missing',
    ]);
    expect(codes(positional, { ...goodPositional, body: [] })).toEqual([132000]);
  });
  it('too many positional parameters names the extra columns', () => {
    const body = [...goodPositional.body!, text('extra')];
    expect(
      messages(positional, { ...goodPositional, body }, { body: [...src.body, 'column "city"'] }),
    ).toEqual(['the body takes 3 parameters ({{1}}-{{3}}), 4 are given: column "city" too many']);
  });
  it('named values for a positional template', () => {
    expect(
      messages(positional, {
        ...goodPositional,
        body: [nm('a', '1'), nm('b', '2'), nm('c', '3')],
      }),
    ).toEqual(['the body parameters are named, but the template takes positional ones ({{1}}…)']);
  });
  it('an unknown named parameter, and the one it left missing', () => {
    const body = [nm('frist_name', 'Asha'), nm('order_id', '42'), nm('store', 'MG Road')];
    expect(
      messages(
        named,
        { ...goodNamed, body },
        { body: ['column "first"', 'column "order"', 'column "store"'] },
      ),
    ).toEqual([
      'the body {{frist_name}} (column "first") is not in the template; it has {{first_name}}, {{order_id}}, {{store}}',
      'the body needs {{first_name}}; no value is given',
    ]);
  });
  it('a named parameter given twice, and positional values for a named template', () => {
    expect(messages(named, { ...goodNamed, body: [...goodNamed.body!, nm('store', 'again')] })).toEqual([
      'the body {{store}} is given twice',
    ]);
    expect(
      messages(named, { ...goodNamed, body: [text('Asha'), text('42'), text('MG Road')] }, src).slice(0, 1),
    ).toEqual([
      'the body parameter 1 (column "name") has no name: the template takes named parameters ({{first_name}}, {{order_id}}, {{store}})',
    ]);
  });
  it('mixed named and positional values', () => {
    expect(
      messages(named, { ...goodNamed, body: [nm('first_name', 'A'), text('42'), nm('store', 'S')] }),
    ).toContain('the body parameters mix named and positional values; a template takes one kind');
  });
});

describe('checkTemplateValues: headers', () => {
  it('a missing header image', () => {
    expect(messages(positional, { ...goodPositional, header: undefined })).toEqual([
      'the header needs an image; none is given',
    ]);
  });
  it('a document where the template has an image', () => {
    expect(
      messages(
        positional,
        { ...goodPositional, header: { type: 'document', source: { id: '9' } } },
        { header: 'column "file"' },
      ),
    ).toEqual(['the header document (column "file") does not fit: the template\'s header is an image']);
  });
  it('an empty media link or id', () => {
    expect(
      messages(positional, { ...goodPositional, header: { type: 'image', source: { link: ' ' } } }, src),
    ).toEqual(['the header image (column "photo") is empty']);
    expect(codes(positional, { ...goodPositional, header: { type: 'image', source: { id: '' } } })).toEqual([
      131008,
    ]);
  });
  it('a header given for a template without one', () => {
    const bodyOnly: TemplateDefinition = {
      name: 'b',
      language: 'en',
      components: [{ type: 'BODY', text: 'Hi' }],
    };
    expect(messages(bodyOnly, { header: image })).toEqual([
      'the header image is given, but the template has no header',
    ]);
  });
  it('a TEXT header with a parameter: missing, media instead, wrong name, too long', () => {
    expect(messages(named, { ...goodNamed, header: undefined })).toEqual([
      'the header needs a value for {{order_id}} (its text is "Order {{order_id}} is ready")',
    ]);
    expect(messages(named, { ...goodNamed, header: image })).toEqual([
      "the header image is given, but the template's header is text with {{order_id}}",
    ]);
    expect(messages(named, { ...goodNamed, header: { type: 'text', text: '42', name: 'order' } })).toEqual([
      `the header {{order_id}} is named "order", but the template's header has {{order_id}}`,
    ]);
    // "Order " + " is ready" is 15 characters: 45 fit in 60, 46 do not
    expect(
      messages(named, { ...goodNamed, header: { type: 'text', text: 'x'.repeat(45), name: 'order_id' } }),
    ).toEqual([]);
    expect(
      messages(
        named,
        { ...goodNamed, header: { type: 'text', text: 'x'.repeat(46), name: 'order_id' } },
        { header: 'column "order"' },
      ),
    ).toEqual([
      `the header {{order_id}} (column "order") makes the header 61 characters; WhatsApp's limit is 60`,
    ]);
  });
  it('a LOCATION header is reported, not silently skipped', () => {
    const location: TemplateDefinition = {
      name: 'l',
      language: 'en',
      components: [
        { type: 'HEADER', format: 'LOCATION' },
        { type: 'BODY', text: 'Visit us' },
      ],
    };
    expect(messages(location, {})).toEqual(['the header is a location, which wabox cannot fill in yet']);
  });
});

describe('checkTemplateValues: parameter text', () => {
  it('empty, blank, line breaks, tabs and 5 spaces', () => {
    const row = (t: string) => ({ ...goodPositional, body: [text(t), text('20%'), text('x')] });
    expect(checkTemplateValues(positional, row(''), src)).toEqual([
      { graphCode: 131008, message: 'the body {{1}} (column "name") is empty' },
    ]);
    expect(codes(positional, row('   '))).toEqual([131008]);
    expect(messages(positional, row('a\nb'), src)).toEqual([
      'the body {{1}} (column "name") has a line break: WhatsApp refuses new lines, tabs and more than 4 spaces in a parameter',
    ]);
    expect(codes(positional, row('a\tb'))).toEqual([132018]);
    expect(codes(positional, row('a    b'))).toEqual([]);
    expect(codes(positional, row('a     b'))).toEqual([132018]);
  });
  it('a date_time fallback is checked like text', () => {
    expect(
      codes(positional, {
        ...goodPositional,
        body: [text('A'), text('B'), { type: 'date_time', fallback: '' }],
      }),
    ).toEqual([131008]);
  });
  it('1,024 characters per body parameter beside other components, counted in code points', () => {
    const long = (n: number) => ({ ...goodPositional, body: [text('😀'.repeat(n)), text('1'), text('2')] });
    // 1,000 emoji are 2,000 UTF-16 units but 1,000 characters: the parameter fits, the body with it does not
    expect(messages(positional, long(1000))).toEqual([
      "the body with its parameters is 1,060 characters; WhatsApp's limit is 1,024",
    ]);
    expect(checkTemplateValues(positional, long(1025), src)).toEqual([
      {
        graphCode: 132005,
        message:
          'the body {{1}} (column "name") is 1,025 characters; WhatsApp\'s limit for a body parameter beside a header or buttons is 1,024',
      },
    ]);
  });
  it('a body-only template allows 32,768 characters', () => {
    const alone: TemplateDefinition = {
      name: 'a',
      language: 'en',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: '{{1}}' }],
    };
    expect(checkTemplateValues(alone, { body: [text('x'.repeat(32_768))] })).toEqual([]);
    expect(messages(alone, { body: [text('x'.repeat(32_769))] })).toEqual([
      "the body {{1}} is 32,769 characters; WhatsApp's limit for a body parameter is 32,768",
    ]);
  });
});

describe('checkTemplateValues: buttons', () => {
  const urlSrc = { buttons: { 0: 'column "code"' } };
  it('a missing URL suffix', () => {
    expect(messages(positional, { ...goodPositional, buttons: [] })).toEqual([
      'button 0 "Shop now" needs its URL suffix (https://shop.example/offer/{{1}}); none is given',
    ]);
  });
  it('an empty URL suffix, and one with a space', () => {
    expect(
      messages(positional, { ...goodPositional, buttons: [{ subType: 'url', index: 0, text: '' }] }, urlSrc),
    ).toEqual(['the URL suffix of button 0 "Shop now" (column "code") is empty']);
    expect(
      codes(positional, { ...goodPositional, buttons: [{ subType: 'url', index: 0, text: 'a b' }] }),
    ).toEqual([132018]);
  });
  it('a URL that grows past 2,000 characters', () => {
    const prefix = 'https://shop.example/offer/'.length;
    const fits = 'a'.repeat(2000 - prefix);
    expect(
      codes(positional, { ...goodPositional, buttons: [{ subType: 'url', index: 0, text: fits }] }),
    ).toEqual([]);
    expect(
      messages(
        positional,
        { ...goodPositional, buttons: [{ subType: 'url', index: 0, text: `${fits}b` }] },
        urlSrc,
      ),
    ).toEqual([
      `the URL suffix of button 0 "Shop now" (column "code") makes the URL 2,001 characters; WhatsApp's limit is 2,000`,
    ]);
  });
  it('a value for a button that takes none, or an index the template lacks', () => {
    expect(
      messages(positional, {
        ...goodPositional,
        buttons: [...goodPositional.buttons!, { subType: 'url', index: 2, text: 'x' }],
      }),
    ).toEqual(['button 2: button 2 "Call us" is a PHONE_NUMBER button and takes no value']);
    expect(
      messages(
        positional,
        { ...goodPositional, buttons: [...goodPositional.buttons!, { subType: 'url', index: 5, text: 'x' }] },
        { buttons: { 5: 'column "b5"' } },
      ),
    ).toEqual(['button 5 (column "b5"): the template has buttons 0-2 only']);
  });
  it('the wrong kind of value for a button', () => {
    expect(
      messages(positional, {
        ...goodPositional,
        buttons: [
          { subType: 'quick_reply', index: 0, payload: 'x' },
          { subType: 'url', index: 1, text: 'y' },
        ],
      }),
    ).toEqual([
      'button 0 is a quick-reply value, but button 0 "Shop now" is URL',
      'button 1 is a url value, but button 1 "Not interested" is QUICK_REPLY',
    ]);
  });
  it('a button given twice', () => {
    expect(
      messages(positional, {
        ...goodPositional,
        buttons: [...goodPositional.buttons!, { subType: 'url', index: 0, text: 'b' }],
      }),
    ).toEqual(['button 0 is given twice']);
  });
  it('coupon codes: missing, empty, longer than 15', () => {
    expect(messages(named, { ...goodNamed, buttons: [] })).toEqual([
      'button 0 "" needs its coupon code; none is given',
    ]);
    const code = (c: string) => ({
      ...goodNamed,
      buttons: [{ subType: 'copy_code' as const, index: 0, code: c }],
    });
    expect(codes(named, code(''))).toEqual([131008]);
    expect(codes(named, code('x'.repeat(15)))).toEqual([]);
    expect(codes(named, code('x'.repeat(16)))).toEqual([132005]);
  });
  it('a payload longer than 256 characters', () => {
    const qr = (p: string) => ({
      ...goodPositional,
      buttons: [...goodPositional.buttons!, { subType: 'quick_reply' as const, index: 1, payload: p }],
    });
    expect(codes(positional, qr('p'.repeat(256)))).toEqual([]);
    expect(codes(positional, qr('p'.repeat(257)))).toEqual([132005]);
    expect(codes(positional, qr(''))).toEqual([131008]);
  });
});

describe('checkTemplateValues: every problem at once', () => {
  it('one row with several problems lists each', () => {
    const found = checkTemplateValues(
      positional,
      { body: [text('Asha\n')], buttons: [] },
      { body: ['column "name"'] },
    );
    expect(found.map((p) => p.graphCode)).toEqual([132000, 132000, 132018, 132000]);
  });
});

describe('rowTemplateValues: columns to values', () => {
  const mapping: ColumnMapping = {
    params: ['name', 'discount', 'store'],
    header: { type: 'image', column: 'photo' },
    buttonParams: [{ index: 0, column: 'code' }],
  };
  const row = {
    name: 'Asha',
    discount: '20%',
    store: 'MG Road',
    photo: 'https://cdn.example/a.jpg',
    code: 'a1',
  };
  it('a positional mapping fills body, header link and URL suffix, each with its column', () => {
    const { values, sources } = rowTemplateValues(templateShape(positional), mapping, row);
    expect(values).toEqual({
      body: [text('Asha'), text('20%'), text('MG Road')],
      header: { type: 'image', source: { link: 'https://cdn.example/a.jpg' } },
      buttons: [{ subType: 'url', index: 0, text: 'a1' }],
    });
    expect(sources).toEqual({
      body: ['column "name"', 'column "discount"', 'column "store"'],
      header: 'column "photo"',
      buttons: { 0: 'column "code"' },
    });
    expect(checkTemplateValues(positional, values, sources)).toEqual([]);
  });
  it('a header cell that is not a URL is a media id; one link can serve every row', () => {
    const shape = templateShape(positional);
    expect(rowTemplateValues(shape, mapping, { ...row, photo: ' 4490709327384033 ' }).values.header).toEqual({
      type: 'image',
      source: { id: '4490709327384033' },
    });
    const fixed = rowTemplateValues(
      shape,
      { header: { type: 'image', link: 'https://cdn.example/b.jpg' } },
      {},
    );
    expect(fixed.values.header).toEqual({ type: 'image', source: { link: 'https://cdn.example/b.jpg' } });
    expect(fixed.sources.header).toBe('--header-image https://cdn.example/b.jpg');
  });
  it('a missing or empty cell is reported by the check, naming its column', () => {
    const { values, sources } = rowTemplateValues(templateShape(positional), mapping, { ...row, store: '' });
    expect(messages(positional, values, sources)).toEqual(['the body {{3}} (column "store") is empty']);
    const noPhoto = rowTemplateValues(templateShape(positional), mapping, { ...row, photo: undefined });
    expect(messages(positional, noPhoto.values, noPhoto.sources)).toEqual([
      'the header image (column "photo") is empty',
    ]);
  });
  it('named parameters, a named text header and a coupon code', () => {
    const m: ColumnMapping = {
      namedParams: [
        { name: 'first_name', column: 'name' },
        { name: 'order_id', column: 'order' },
        { name: 'store', column: 'store' },
      ],
      header: { type: 'text', column: 'order' },
      buttonParams: [{ index: 0, column: 'coupon' }],
    };
    const { values, sources } = rowTemplateValues(templateShape(named), m, {
      name: 'Asha',
      order: '42',
      store: 'MG Road',
      coupon: 'SAVE10',
    });
    expect(values).toEqual(goodNamed);
    expect(checkTemplateValues(named, values, sources)).toEqual([]);
  });
  it('a quick-reply button gets a payload', () => {
    const { values } = rowTemplateValues(
      templateShape(positional),
      { buttonParams: [{ index: 1, column: 'p' }] },
      { p: 'NO' },
    );
    expect(values).toEqual({ buttons: [{ subType: 'quick_reply', index: 1, payload: 'NO' }] });
  });
  it('mappedColumns and missingColumns', () => {
    expect(mappedColumns({ ...mapping, namedParams: [{ name: 'x', column: 'name' }] })).toEqual([
      'name',
      'discount',
      'store',
      'photo',
      'code',
    ]);
    expect(missingColumns(mapping, ['name', 'store', 'photo'])).toEqual([
      'column "discount" is not in the input (its columns: name, store, photo)',
      'column "code" is not in the input (its columns: name, store, photo)',
    ]);
    expect(missingColumns(mapping, Object.keys(row))).toEqual([]);
    expect(missingColumns({ params: ['a'] }, [])).toEqual([
      'column "a" is not in the input (its columns: none)',
    ]);
  });
});
