// Fax pure logic: reading a TIFF's pages, Asterisk's result variable, recipients, T.38 option, file layout.
import { expect } from 'chai';
import { tiffInfo } from '../../../lib/fax/tiff.ts';
import { parseFaxResult } from '../../../lib/asterisk/fax.ts';
import { allowsT38, faxLocation } from '../../../lib/fax/receive.ts';
import { faxRecipients, inboundFaxMail, faxErrorMail } from '../../../lib/fax/mail.ts';
import { bilevelTiff } from './tiff-writer.ts';

describe('fax pure logic', () => {
  describe('tiffInfo', () => {
    const big = Buffer.alloc(16);
    big.write('MM', 0, 'latin1');
    big.writeUInt16BE(42, 2);
    big.writeUInt32BE(8, 4);
    big.writeUInt16BE(0, 8); // an IFD with no entries
    big.writeUInt32BE(0, 10);
    const loop = bilevelTiff(1);
    // Point the last IFD's "next" at itself.
    const firstIfd = loop.readUInt32LE(4);
    loop.writeUInt32LE(firstIfd, firstIfd + 2 + loop.readUInt16LE(firstIfd) * 12);
    const table: Array<[string, Buffer, ReturnType<typeof tiffInfo>]> = [
      ['one page', bilevelTiff(1, 50), { pages: 1, width: 1728, height: 50 }],
      ['three pages', bilevelTiff(3, 20), { pages: 3, width: 1728, height: 20 }],
      ['big-endian, no size tags', big, { pages: 1 }],
      ['not a TIFF', Buffer.from('RIFF....WAVEfmt '), undefined],
      ['too short', Buffer.from('II*'), undefined],
      ['wrong magic', Buffer.from([0x49, 0x49, 43, 0, 8, 0, 0, 0]), undefined],
      ['IFD beyond the end', Buffer.from([0x49, 0x49, 42, 0, 0xff, 0, 0, 0]), undefined],
      ['IFD chain loops', loop, undefined],
      ['truncated in its IFD', bilevelTiff(1).subarray(0, 43_230), undefined],
    ];
    for (const [name, buf, want] of table) {
      it(name, () => expect(tiffInfo(buf)).to.deep.equal(want));
    }
  });

  describe('parseFaxResult (ARIFLOW_FAX_RESULT)', () => {
    const table: Array<[string, ReturnType<typeof parseFaxResult>]> = [
      ['SUCCESS|2|', { status: 'SUCCESS', pages: 2, error: '' }],
      ['FAILED|0|RETRIES_EXCEEDED', { status: 'FAILED', pages: 0, error: 'RETRIES_EXCEEDED' }],
      ['FAILED|1|a|b', { status: 'FAILED', pages: 1, error: 'a|b' }],
      ['HANGUP|0|hangup', { status: 'HANGUP', pages: 0, error: 'hangup' }],
      ['success||', { status: 'SUCCESS', pages: 0, error: '' }],
      ['', { status: '', pages: 0, error: '' }],
      ['FAILED|-3|x', { status: 'FAILED', pages: 0, error: 'x' }],
    ];
    for (const [value, want] of table) it(JSON.stringify(value), () => expect(parseFaxResult(value)).to.deep.equal(want));
  });

  describe('allowsT38 (Kazoo media.fax_option)', () => {
    const table: Array<[unknown, boolean]> = [[undefined, true], [true, true], ['true', true], ['auto', true], [false, false], ['false', false]];
    for (const [option, want] of table) it(String(option), () => expect(allowsT38(option)).to.equal(want));
  });

  it('faxLocation puts the fax beside the account\'s recordings', () => {
    expect(faxLocation('/m/acc1/abc.wav', 'abc')).to.deep.equal({ path: '/m/acc1/faxes/abc.tiff', file: 'acc1/faxes/abc' });
  });

  describe('faxRecipients', () => {
    const table: Array<[string, Record<string, unknown> | undefined, string | undefined, unknown]> = [
      ['owner only (receive_fax)', undefined, 'u1', [{ type: 'user', id: 'u1' }]],
      ['nobody', undefined, undefined, []],
      ['send_to list and owner', { notifications: { inbound: { email: { send_to: ['a@x.test'] } } } }, 'u1', [{ type: 'email', id: ['a@x.test'] }, { type: 'user', id: 'u1' }]],
      ['send_to as a string', { notifications: { inbound: { email: { send_to: 'a@x.test' } } } }, undefined, [{ type: 'email', id: 'a@x.test' }]],
      ['outbound only is not inbound', { notifications: { outbound: { email: { send_to: ['o@x.test'] } } } }, undefined, []],
    ];
    for (const [name, box, owner, want] of table) it(name, () => expect(faxRecipients(box, owner)).to.deep.equal(want));
  });

  it('mails: one-line subjects, the facts in the text', () => {
    const facts = { callerIdName: 'Evil\r\nBcc: x@y', callerIdNumber: '555', to: '100', pages: 3, receivedAt: new Date(0), faxId: 'f1', faxboxName: 'Box' };
    const ok = inboundFaxMail(facts);
    expect(ok.subject).to.not.match(/[\r\n]/);
    expect(ok.text).to.include('Pages: 3').and.include('Fax ID: f1').and.include('Faxbox: Box');
    const err = faxErrorMail({ ...facts, error: 'no fax tone' });
    expect(err.subject).to.not.match(/[\r\n]/);
    expect(err.text).to.include('Reason: no fax tone');
  });
});
