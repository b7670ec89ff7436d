// The dial step's recipients (lib/tracking-dial/recipients.ts): reading them, the order a call rings them
// in, who the record says was offered the call.
import { expect } from 'chai';
import { offeredRecipients, recipientLabel, recipientsForCall, toRecipient, type Recipient } from '../../../lib/tracking-dial/recipients.ts';

describe('tracking dial: recipients', () => {
  const read: Array<[string, unknown, Recipient | undefined]> = [
    ['E.164 phone', { type: 'phone', number: '+15551230000' }, { type: 'phone', number: '+15551230000' }],
    ['phone with separators and extension', { type: 'phone', number: '+1 (555) 123-0000', extension: '12#' }, { type: 'phone', number: '+15551230000', extension: '12#' }],
    ['phone with letters', { type: 'phone', number: 'call me' }, undefined],
    ['bad extension dropped', { type: 'phone', number: '+15551230000', extension: 'abc' }, { type: 'phone', number: '+15551230000' }],
    ['sip device', { type: 'sip', device_id: 'dev1' }, { type: 'sip', deviceId: 'dev1' }],
    ['sip uri', { type: 'sip', uri: 'sip:alice@example.com' }, { type: 'sip', uri: 'sip:alice@example.com' }],
    ['Local escape hatch', { type: 'sip', uri: 'Local/answer@sim' }, { type: 'sip', uri: 'Local/answer@sim' }],
    ['not a uri', { type: 'sip', uri: 'alice' }, undefined],
    ['unknown type', { type: 'fax', number: '+1555' }, undefined],
    ['not an object', 'x', undefined],
  ];
  for (const [what, raw, expected] of read) it(`reads ${what}`, () => expect(toRecipient(raw)).to.deep.equal(expected));

  const labels: Array<[Recipient, string]> = [
    [{ type: 'phone', number: '+1555' }, 'phone:+1555'],
    [{ type: 'phone', number: '+1555', extension: '9' }, 'phone:+1555,9'],
    [{ type: 'sip', deviceId: 'd' }, 'device:d'],
    [{ type: 'sip', uri: 'sip:a@b' }, 'sip:a@b'],
  ];
  for (const [r, label] of labels) it(`labels ${label}`, () => expect(recipientLabel(r)).to.equal(label));

  const orders: Array<[Parameters<typeof recipientsForCall>[0], number, string[]]> = [
    ['direct', 0, ['a']],
    ['direct', 5, ['a']],
    ['multi_ring', 2, ['a', 'b', 'c']],
    ['round_robin', 0, ['a', 'b', 'c']],
    ['round_robin', 1, ['b', 'c', 'a']],
    ['round_robin', 5, ['c', 'a', 'b']],
    ['round_robin', 30, ['a', 'b', 'c']],
  ];
  for (const [connection, turn, expected] of orders) {
    it(`${connection} turn ${turn} rings ${expected.join(',')}`, () => expect(recipientsForCall(connection, ['a', 'b', 'c'], turn)).to.deep.equal(expected));
  }
  it('no recipients → nothing', () => expect(recipientsForCall('round_robin', [], 3)).to.deep.equal([]));

  const offered: Array<[Parameters<typeof offeredRecipients>[0], string | undefined, string[]]> = [
    ['multi_ring', 'b', ['a', 'b', 'c']],
    ['round_robin', 'b', ['a', 'b']],
    ['round_robin', 'a', ['a']],
    ['round_robin', undefined, ['a', 'b', 'c']],
    ['direct', 'a', ['a']],
    ['round_robin', 'zzz', ['a', 'b', 'c']],
  ];
  for (const [connection, by, expected] of offered) {
    it(`${connection} answered by ${by ?? 'nobody'}: offered ${expected.join(',')}`, () => expect(offeredRecipients(connection, ['a', 'b', 'c'], by)).to.deep.equal(expected));
  }
});
