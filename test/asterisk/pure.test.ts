// Pure parts of lib/asterisk, by table: hangup causes both ways, Stasis arguments, ARI error messages.
import { expect } from 'chai';
import { ariErrorMessage, isChannelGoneMessage } from '../../lib/asterisk/ari-errors.ts';
import { parseStasisArgs } from '../../lib/asterisk/connection.ts';
import { causeCode, causeName } from '../../lib/asterisk/hangup-causes.ts';

describe('asterisk: pure helpers', () => {
  const codes: [string | number, number | undefined][] = [
    ['NORMAL_CLEARING', 16],
    ['normal_clearing', 16],
    ['USER_BUSY', 17],
    ['NO_ANSWER', 19],
    ['NO_USER_RESPONSE', 18],
    ['CALL_REJECTED', 21],
    ['UNALLOCATED_NUMBER', 1],
    ['unallocated', 1],
    ['normal_temporary_failure', 41],
    ['NORMAL_CIRCUIT_CONGESTION', 34],
    ['busy', 17],
    ['congestion', 34],
    ['no_answer', 19],
    ['timeout', 18],
    ['rejected', 21],
    ['normal', 16],
    ['ORIGINATOR_CANCEL', 16],
    ['17', 17],
    [' 21 ', 21],
    [127, 127],
    [0, undefined],
    [128, undefined],
    ['128', undefined],
    ['NO_SUCH_CAUSE', undefined],
    ['', undefined],
  ];
  for (const [input, code] of codes) {
    it(`causeCode(${JSON.stringify(input)}) = ${code}`, () => expect(causeCode(input)).to.equal(code));
  }

  const names: [number | undefined, string][] = [
    [16, 'NORMAL_CLEARING'],
    [17, 'USER_BUSY'],
    [19, 'NO_ANSWER'],
    [34, 'NORMAL_CIRCUIT_CONGESTION'],
    [41, 'NORMAL_TEMPORARY_FAILURE'],
    [0, 'NORMAL_CLEARING'],
    [undefined, 'NORMAL_CLEARING'],
    [99, 'IE_NONEXIST'],
    [4, 'NORMAL_UNSPECIFIED'],
  ];
  for (const [code, name] of names) {
    it(`causeName(${code}) = ${name}`, () => expect(causeName(code)).to.equal(name));
  }

  it('causeName and causeCode agree on every named code', () => {
    for (let code = 1; code < 128; code++) {
      const name = causeName(code);
      if (name !== 'NORMAL_UNSPECIFIED' || code === 31) expect(causeCode(name), name).to.equal(code);
    }
  });

  const args: [string[], ReturnType<typeof parseStasisArgs>][] = [
    [['inbound', '5551000'], { kind: 'inbound', exten: '5551000' }],
    [['inbound', '+4930123', 'acc1'], { kind: 'inbound', exten: '+4930123', accountId: 'acc1' }],
    [['device', '1001', 'desk12'], { kind: 'device', exten: '1001', endpoint: 'desk12' }],
    [['device', '*97'], { kind: 'device', exten: '*97' }],
    [['inbound'], undefined],
    [['inbound', ''], undefined],
    [['outbound', '123'], undefined],
    [[], undefined],
  ];
  for (const [input, expected] of args) {
    it(`parseStasisArgs(${JSON.stringify(input)})`, () => expect(parseStasisArgs(input)).to.deep.equal(expected));
  }

  it("reads ARI's message out of ari-client's errors", () => {
    expect(ariErrorMessage(new Error('{"message":"Channel not found"}'))).to.equal('Channel not found');
    expect(ariErrorMessage(new Error('plain text'))).to.equal('plain text');
    expect(ariErrorMessage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).to.equal('ECONNREFUSED');
    expect(ariErrorMessage({ status: 500, statusText: 'Internal Server Error' })).to.equal('HTTP 500 Internal Server Error');
    expect(isChannelGoneMessage('Channel not found')).to.equal(true);
    expect(isChannelGoneMessage('Provided channel was not found')).to.equal(true);
    expect(isChannelGoneMessage('Channel not in Stasis application')).to.equal(true);
    expect(isChannelGoneMessage('Provided variable was not found')).to.equal(false);
    expect(isChannelGoneMessage('Playback not found')).to.equal(false);
  });
});
