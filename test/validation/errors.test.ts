import { expect } from 'chai';
import type { ErrorObject } from 'ajv';
import { ValidationError, addError, formatAjvErrors, mergeErrors, resultOf, type ValidationErrors } from '../../lib/validation/errors.ts';

function ajvError(keyword: string, instancePath: string, params: Record<string, unknown>, message = 'ajv says no'): ErrorObject {
  return { keyword, instancePath, schemaPath: `#/${keyword}`, params, message };
}

describe('validation errors (Crossbar shape)', () => {
  describe('formatAjvErrors', () => {
    const original = { timeout: 'abc', endpoints: [{ id: 'x', weight: 500 }], name: 'a/b', action: 'pause', list: ['a', 'a'] };
    const table: Array<[ErrorObject, string, string, Record<string, unknown>]> = [
      [ajvError('type', '/timeout', { type: 'integer' }), 'flow.data.timeout', 'type', { message: 'must be an integer', value: 'abc', target: 'integer' }],
      [ajvError('type', '/timeout', { type: ['boolean', 'string'] }), 'flow.data.timeout', 'type', { message: 'must be a boolean or a string', value: 'abc', target: ['boolean', 'string'] }],
      [ajvError('required', '/endpoints/0', { missingProperty: 'endpoint_type' }), 'flow.data.endpoints.0.endpoint_type', 'required', { message: 'is required' }],
      [ajvError('required', '', { missingProperty: 'endpoints' }), 'flow.data.endpoints', 'required', { message: 'is required' }],
      [ajvError('maximum', '/endpoints/0/weight', { comparison: '<=', limit: 100 }), 'flow.data.endpoints.0.weight', 'maximum', { message: 'must be <= 100', value: 500, target: 100 }],
      [ajvError('enum', '/action', { allowedValues: ['start', 'stop'] }), 'flow.data.action', 'enum', { message: 'must be one of: "start", "stop"', value: 'pause', target: ['start', 'stop'] }],
      [ajvError('minLength', '/action', { limit: 10 }), 'flow.data.action', 'minLength', { message: 'must be at least 10 characters long', value: 'pause', target: 10 }],
      [ajvError('maxLength', '/action', { limit: 1 }), 'flow.data.action', 'maxLength', { message: 'must be at most 1 character long', value: 'pause', target: 1 }],
      [ajvError('minItems', '/endpoints', { limit: 2 }), 'flow.data.endpoints', 'minItems', { message: 'must have at least 2 items', value: [{ id: 'x', weight: 500 }], target: 2 }],
      [ajvError('uniqueItems', '/list', { i: 1, j: 0 }), 'flow.data.list', 'uniqueItems', { message: 'must not contain duplicates (items 0 and 1 are equal)', value: ['a', 'a'] }],
      [ajvError('pattern', '/action', { pattern: '^x$' }), 'flow.data.action', 'pattern', { message: 'must match the pattern ^x$', value: 'pause', target: '^x$' }],
      [ajvError('format', '/action', { format: 'email' }), 'flow.data.action', 'format', { message: 'must be a valid email', value: 'pause', target: 'email' }],
      [ajvError('additionalProperties', '', { additionalProperty: 'extra' }), 'flow.data.extra', 'additionalProperties', { message: 'is not allowed' }],
      [ajvError('const', '/action', { allowedValue: 'x' }), 'flow.data.action', 'const', { message: 'must be "x"', value: 'pause', target: 'x' }],
      [ajvError('oneOf', '/action', { passingSchemas: null }, 'must match exactly one schema in oneOf'), 'flow.data.action', 'oneOf', { message: 'must match exactly one schema in oneOf', value: 'pause' }],
      [ajvError('type', '/name', { type: 'integer' }), 'flow.data.name', 'type', { message: 'must be an integer', value: 'a/b', target: 'integer' }],
      [ajvError('type', '/a~1b/c~0d', { type: 'object' }), 'flow.data.a/b.c~d', 'type', { message: 'must be an object', target: 'object' }],
    ];
    for (const [error, key, rule, failure] of table) {
      it(`${error.keyword} at ${JSON.stringify(error.instancePath)} → ${key} / ${rule}`, () => {
        expect(formatAjvErrors([error], 'flow.data', original)).to.deep.equal({ [key]: { [rule]: failure } });
      });
    }

    it('explains an invalid regular expression', () => {
      const out = formatAjvErrors([ajvError('format', '/patterns/0', { format: 'kazoo-regex' })], '', { patterns: ['^(2'] });
      expect(out['patterns.0'].format.message).to.match(/^must be a valid regular expression \(.+\)$/);
      expect(out['patterns.0'].format.value).to.equal('^(2');
    });

    it('drops wrapper keywords whose inner errors are reported anyway', () => {
      const errs = [ajvError('if', '/macros/0', { failingKeyword: 'then' }), ajvError('maximum', '/macros/0/volume', { comparison: '<=', limit: 100 })];
      expect(Object.keys(formatAjvErrors(errs, 'data', { macros: [{ volume: 200 }] }))).to.deep.equal(['data.macros.0.volume']);
    });

    it('keeps the first failure of a field and rule, and every rule of a field', () => {
      const errs = [
        ajvError('type', '/timeout', { type: 'integer' }),
        ajvError('type', '/timeout', { type: 'string' }),
        ajvError('minimum', '/timeout', { comparison: '>=', limit: 1 }),
      ];
      const out = formatAjvErrors(errs, '', { timeout: 'abc' });
      expect(out.timeout.type.message).to.equal('must be an integer');
      expect(Object.keys(out.timeout)).to.deep.equal(['type', 'minimum']);
    });

    it('uses the error data when no original is given, and an empty prefix for documents', () => {
      const e = { ...ajvError('type', '/sip/username', { type: 'string' }), data: 5 };
      expect(formatAjvErrors([e])).to.deep.equal({ 'sip.username': { type: { message: 'must be a string', value: 5, target: 'string' } } });
      expect(formatAjvErrors(null)).to.deep.equal({});
    });
  });

  describe('addError / mergeErrors', () => {
    it('stores "__proto__" and "constructor" paths and rules as plain keys', () => {
      const errors: ValidationErrors = {};
      addError(errors, '__proto__', '__proto__', { message: 'x' });
      addError(errors, 'constructor', 'type', { message: 'y' });
      expect(Object.getPrototypeOf(errors)).to.equal(Object.prototype);
      expect(Object.keys(errors)).to.deep.equal(['__proto__', 'constructor']);
      expect(Object.hasOwn(errors.__proto__, '__proto__')).to.equal(true);
      const roundTrip = JSON.parse(JSON.stringify(errors)) as ValidationErrors;
      expect(roundTrip['constructor'].type.message).to.equal('y');
      expect(roundTrip['__proto__']['__proto__'].message).to.equal('x');
      expect(({} as Record<string, unknown>).message).to.equal(undefined);
    });

    it('merges without overwriting earlier failures', () => {
      const into: ValidationErrors = { a: { type: { message: 'first' } } };
      mergeErrors(into, { a: { type: { message: 'second' }, enum: { message: 'other' } }, b: { required: { message: 'is required' } } });
      expect(into).to.deep.equal({ a: { type: { message: 'first' }, enum: { message: 'other' } }, b: { required: { message: 'is required' } } });
    });
  });

  it('wraps results and errors for the API', () => {
    expect(resultOf({})).to.deep.equal({ ok: true });
    const errors = { numbers: { required: { message: 'is required' } } };
    expect(resultOf(errors)).to.deep.equal({ ok: false, errors });
    const e = new ValidationError(errors);
    expect(e).to.be.instanceOf(Error);
    expect(e.errors).to.equal(errors);
    expect(e.message).to.contain('numbers');
  });
});
