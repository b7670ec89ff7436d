import { expect } from 'chai';
import { coerceBySchema, coerceScalar } from '../../lib/validation/coercion.ts';

describe("Kazoo value coercion", () => {
  describe('coerceScalar', () => {
    const table: Array<[value: unknown, types: string[] | undefined, expected: unknown]> = [
      ['30', ['integer'], 30],
      ['-5', ['integer'], -5],
      ['+7', ['integer'], 7],
      ['007', ['integer'], 7],
      ['3.5', ['integer'], '3.5'],
      ['30s', ['integer'], '30s'],
      [' 30', ['integer'], ' 30'],
      ['', ['integer'], ''],
      ['99999999999999999999', ['integer'], '99999999999999999999'],
      ['3.5', ['number'], 3.5],
      ['1e3', ['number'], 1000],
      ['.5', ['number'], 0.5],
      ['abc', ['number'], 'abc'],
      ['true', ['boolean'], true],
      ['false', ['boolean'], false],
      ['TRUE', ['boolean'], 'TRUE'],
      ['1', ['boolean'], '1'],
      ['yes', ['boolean'], 'yes'],
      ['30', ['integer', 'string'], '30'],
      ['true', ['boolean', 'string'], 'true'],
      ['30', ['string'], '30'],
      ['30', undefined, '30'],
      [30, ['string'], 30],
      [true, ['string'], true],
      [null, ['integer'], null],
      [null, ['string'], null],
      [1, ['boolean'], 1],
      [0, ['boolean'], 0],
      [true, ['integer'], true],
      ['5', ['object'], '5'],
    ];
    for (const [value, types, expected] of table) {
      it(`${JSON.stringify(value)} as ${JSON.stringify(types)} → ${JSON.stringify(expected)}`, () => {
        expect(coerceScalar(value, types)).to.deep.equal(expected);
      });
    }
  });

  describe('coerceBySchema', () => {
    const schema = {
      type: 'object',
      properties: {
        timeout: { type: 'integer' },
        flag: { type: 'boolean' },
        name: { type: 'string' },
        list: { type: 'array', items: { type: 'object', properties: { delay: { type: 'integer' } } } },
        nested: { type: 'object', properties: { enabled: { type: 'boolean' } } },
        map: { type: 'object', additionalProperties: { type: 'integer' } },
        either: { type: ['integer', 'string'] },
        kinds: {
          type: 'array',
          items: {
            type: 'object',
            allOf: [{ if: { properties: { k: { const: 'tone' } } }, then: { properties: { volume: { type: 'integer' } } } }],
          },
        },
      },
    };

    it('converts strings where integers and booleans are expected, at any depth', () => {
      const data = {
        timeout: '20',
        flag: 'true',
        name: '42',
        list: [{ delay: '5' }, { delay: 'x' }],
        nested: { enabled: 'false' },
        map: { a: '1', b: 'two' },
        either: '7',
        kinds: [{ k: 'tone', volume: '40' }],
        unknown: '9',
      };
      expect(coerceBySchema(schema, data)).to.deep.equal({
        timeout: 20,
        flag: true,
        name: '42',
        list: [{ delay: 5 }, { delay: 'x' }],
        nested: { enabled: false },
        map: { a: 1, b: 'two' },
        either: '7',
        kinds: [{ k: 'tone', volume: 40 }],
        unknown: '9',
      });
    });

    it('never turns numbers, booleans or null into strings', () => {
      const data = { name: 12345, timeout: null, flag: 1 };
      expect(coerceBySchema(schema, data)).to.deep.equal({ name: 12345, timeout: null, flag: 1 });
    });

    it('treats a "__proto__" key as data and leaves Object.prototype alone', () => {
      const data = JSON.parse('{"__proto__": {"timeout": "1"}, "timeout": "2"}');
      const out = coerceBySchema({ ...schema, additionalProperties: { type: 'object', properties: { timeout: { type: 'integer' } } } }, data) as Record<string, unknown>;
      expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
      expect(Object.hasOwn(out, '__proto__')).to.equal(true);
      expect(({} as Record<string, unknown>).timeout).to.equal(undefined);
      expect(out.timeout).to.equal(2);
    });
  });
});
