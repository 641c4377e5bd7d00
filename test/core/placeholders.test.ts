import { describe, expect, it } from 'vitest';
import { WaboxError } from '../../src/core/errors.js';
import {
  mapResolver,
  parseAssignments,
  placeholderNames,
  renderPlaceholders,
} from '../../src/core/placeholders.js';

describe('placeholders', () => {
  it('fills values, defaults and keeps escaped braces literal', () => {
    const r = renderPlaceholders(
      'Hi {{name}}, {{city|Pune}} \\{{literal}} }}',
      mapResolver({ name: 'Asha' }, 'var'),
    );
    expect(r.text).toBe('Hi Asha, Pune {{literal}} }}');
    expect(r.used).toEqual([
      { name: 'name', value: 'Asha', source: 'var' },
      { name: 'city', value: 'Pune', source: 'default' },
    ]);
  });

  it('names every missing variable at once', () => {
    const err = (() => {
      try {
        renderPlaceholders('{{a}} {{b}} {{a}} {{c|x}}', mapResolver({}, 'var'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WaboxError);
    expect((err as WaboxError).kind).toBe('invalid-input');
    expect((err as WaboxError).message).toBe('no value for {{a}}, {{b}}');
  });

  it('refuses malformed placeholders and bad assignments', () => {
    expect(() => placeholderNames('{{ 1x }}')).toThrow(/malformed placeholder/);
    expect(() => placeholderNames('hello {{name')).toThrow(/unclosed placeholder/);
    expect(() => parseAssignments(['novalue'])).toThrow(/not key=value/);
    expect(parseAssignments(['a=b=c', 'x='])).toEqual({ a: 'b=c', x: '' });
  });

  it('is byte-exact for any script', () => {
    const body = 'નમસ્તે {{n}} 🙏🏽 سلام\u200f e\u0301\n\tend';
    expect(renderPlaceholders(body, mapResolver({ n: 'ਅਮਰ' }, 'var')).text).toBe(
      body.replace('{{n}}', 'ਅਮਰ'),
    );
  });
});
