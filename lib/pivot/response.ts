// What a pivot server answered: a Kazoo flow node (JSON) or a TwiML document (XML), told apart by the
// Content-Type like Kazoo does (JSON types → Kazoo, XML types → TwiML, anything else: sniffed). The flow
// is validated with the same schemas as stored callflows, so a response can do nothing a stored flow
// could not. Deviation from Kazoo, per issue 6: an empty, unparseable or invalid body goes to the pivot
// node's `_` child (Kazoo hangs up on those), so no answer from a broken server leaves the caller stuck.
import type { CallflowNode } from '../engine/module.ts';
import type { ValidationErrors, ValidationResult } from '../validation/errors.ts';
import { PivotFailure } from './failure.ts';
import { parseTwiml, type TwimlVerb } from './twiml.ts';

/**
 * lib/validation/callflow.ts's validateFlow. Passed in rather than imported: the validator needs the
 * module registry, which contains the pivot module itself, and a static import would make a cycle.
 */
export type FlowValidator = (flow: unknown) => ValidationResult;

export type PivotResponse = { kind: 'kazoo'; flow: CallflowNode } | { kind: 'twiml'; verbs: TwimlVerb[] };

function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function isJsonType(t: string): boolean {
  return t === 'application/json' || t === 'text/json' || (t.startsWith('application/') && t.endsWith('+json'));
}

function isXmlType(t: string): boolean {
  return t === 'text/xml' || t === 'application/xml' || (t.startsWith('application/') && t.endsWith('+xml'));
}

/** At most `max` of the validation errors, as `path: message` lines. */
function firstErrors(errors: ValidationErrors, max = 5): string[] {
  const out: string[] = [];
  for (const [path, rules] of Object.entries(errors)) {
    for (const [rule, e] of Object.entries(rules)) {
      if (out.length >= max) return out;
      out.push(`${path || 'flow'}: ${e.message ?? rule}`);
    }
  }
  return out;
}

export function parseKazoo(body: string, validate: FlowValidator): CallflowNode {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new PivotFailure('invalid', `not valid JSON: ${(err as Error).message}`);
  }
  const result = validate(parsed);
  if (!result.ok) {
    // Lines, not the error object: its keys are dotted paths, which a call record cannot store as keys.
    const lines = firstErrors(result.errors);
    throw new PivotFailure('invalid', `the flow fails validation: ${lines.join('; ')}`, { errors: lines });
  }
  return parsed as CallflowNode;
}

export function interpretResponse(contentType: string, body: string, validate: FlowValidator): PivotResponse {
  const text = body.replace(/^\uFEFF/, '').trim();
  if (!text) throw new PivotFailure('empty', 'the response body is empty');
  const type = mediaType(contentType);
  if (isJsonType(type)) return { kind: 'kazoo', flow: parseKazoo(text, validate) };
  if (isXmlType(type)) return { kind: 'twiml', verbs: parseTwiml(text) };
  // Kazoo tries TwiML, then JSON, for other types; the first character decides the same way.
  if (text.startsWith('<')) return { kind: 'twiml', verbs: parseTwiml(text) };
  if (text.startsWith('{')) return { kind: 'kazoo', flow: parseKazoo(text, validate) };
  throw new PivotFailure('invalid', `unsupported response type ${JSON.stringify(type || 'none')} (send application/json or text/xml)`);
}
