// Table tests of the voicemail rules (lib/voicemail/box.ts), WAV length reading and upload naming.
import { expect } from 'chai';
import {
  interdigitMs,
  isFull,
  maxMessageLengthSec,
  messageCounts,
  messageMediaName,
  messagesIn,
  mwiMailbox,
  newMessage,
  pinMatches,
  type VmBox,
  type VmMessage,
} from '../../../lib/voicemail/box.ts';
import { wavDurationMs } from '../../../lib/asterisk/recording.ts';
import { isMwiMailbox } from '../../../lib/asterisk/mwi.ts';
import { recordingMediaName, uploadUrl } from '../../../lib/recording/upload.ts';

const msg = (media_id: string, folder: VmMessage['folder'], timestamp = 1): VmMessage => ({
  media_id,
  folder,
  timestamp,
  from: '',
  to: '',
  caller_id_number: '',
  caller_id_name: '',
  call_id: '',
  length: 1000,
});
const box = (extra: Partial<VmBox> = {}): VmBox => ({ _id: 'b', mailbox: '2000', ...extra });

function wav(bytes: number, byteRate = 16000, extraChunk = false): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(8000, 12);
  fmt.writeUInt32LE(byteRate, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const list = extraChunk ? Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0', 'latin1')]) : Buffer.alloc(0);
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0, 'latin1');
  dataHead.writeUInt32LE(bytes, 4);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, fmt, list, dataHead, Buffer.alloc(bytes)]);
}

describe('voicemail rules (pure)', () => {
  it('message length and inter-digit precedence', () => {
    const table: Array<[unknown, Partial<VmBox>, number]> = [
      [undefined, {}, 500],
      [30, {}, 30],
      ['45', {}, 45],
      [undefined, { max_message_length: 120 }, 120],
      [60, { max_message_length: 120 }, 60],
      [0, { max_message_length: '0' }, 500],
      ['x', {}, 500],
    ];
    for (const [data, b, want] of table) expect(maxMessageLengthSec(data, box(b)), JSON.stringify([data, b])).to.equal(want);
    expect(interdigitMs(undefined, undefined)).to.equal(2000);
    expect(interdigitMs(3000, box())).to.equal(3000);
    expect(interdigitMs(3000, box({ interdigit_timeout: 1500 }))).to.equal(1500);
  });

  it('counts, fullness and listening order', () => {
    const b = box({ messages: [msg('a', 'new', 10), msg('b', 'saved', 20), msg('c', 'deleted', 30), msg('d', 'new', 40)] });
    expect(messageCounts(b)).to.deep.equal({ new: 2, old: 1 });
    expect(messageCounts(box())).to.deep.equal({ new: 0, old: 0 });
    expect(messagesIn(b, 'new').map((m) => m.media_id)).to.deep.equal(['d', 'a']);
    expect(messagesIn({ ...b, oldest_message_first: true }, 'new').map((m) => m.media_id)).to.deep.equal(['a', 'd']);
    expect(isFull(b)).to.equal(false);
    expect(isFull({ ...b, max_message_count: 3 })).to.equal(true);
    expect(isFull({ ...b, max_message_count: '4' })).to.equal(false);
    expect(messageCounts(box({ messages: [null as never, { folder: 'new' } as never] }))).to.deep.equal({ new: 0, old: 0 });
  });

  it('PINs are compared as stored; a box without PIN never opens by PIN', () => {
    const table: Array<[Partial<VmBox> | undefined, string, boolean]> = [
      [{ pin: '1234' }, '1234', true],
      [{ pin: '1234' }, '12345', false],
      [{ pin: '0042' }, '42', false],
      [{}, '', false],
      [{ pin: '' }, '', false],
      [undefined, '1234', false],
    ];
    for (const [b, entered, want] of table) expect(pinMatches(b && box(b), entered), JSON.stringify([b, entered])).to.equal(want);
  });

  it('message metadata and media name in Kazoo shapes', () => {
    const at = new Date(Date.UTC(2026, 10, 21, 9, 5, 3));
    expect(messageMediaName('2000', at)).to.equal('mailbox 2000 message 11-21-2026 09:05:03');
    const m = newMessage({ at, callerNumber: '555', callerName: 'Bob', callId: 'c1', to: '2000', lengthMs: 1234.4, mediaId: 'm1' });
    expect(m).to.deep.equal({
      timestamp: Math.floor(at.getTime() / 1000) + 62_167_219_200,
      from: '555',
      to: '2000',
      caller_id_number: '555',
      caller_id_name: 'Bob',
      call_id: 'c1',
      folder: 'new',
      length: 1234,
      media_id: 'm1',
    });
  });

  it('MWI mailbox names are safe for the dialplan and PJSIP', () => {
    const table: Array<[string, string, string]> = [
      ['acct1', 'box1', 'box1@acct1'],
      ['a@b', 'x,y', 'x_y@a_b'],
      ['', '', '_@_'],
    ];
    for (const [a, b, want] of table) {
      expect(mwiMailbox(a, b)).to.equal(want);
      expect(isMwiMailbox(want)).to.equal(true);
    }
    expect(isMwiMailbox('a@b@c')).to.equal(false);
    expect(isMwiMailbox('a,b@c')).to.equal(false);
  });

  it('WAV duration from the header, bounded by the bytes present', () => {
    expect(wavDurationMs(wav(16000))).to.equal(1000);
    expect(wavDurationMs(wav(8000, 16000, true))).to.equal(500);
    expect(wavDurationMs(wav(0))).to.equal(0);
    expect(wavDurationMs(wav(16000).subarray(0, 44 + 1600))).to.equal(100);
    expect(wavDurationMs(wav(16000, 0))).to.equal(0);
    expect(wavDurationMs(Buffer.from('not a wav file at all'))).to.equal(0);
    expect(wavDurationMs(Buffer.alloc(0))).to.equal(0);
  });

  it('upload URL: Kazoo joins <url>/call_recording_<call id>.<ext>', () => {
    expect(recordingMediaName('abc')).to.equal('call_recording_abc.wav');
    expect(uploadUrl('http://x/rec/', 'call_recording_abc.wav')).to.equal('http://x/rec/call_recording_abc.wav');
    expect(uploadUrl('http://x/rec//', 'a b.wav')).to.equal('http://x/rec/a%20b.wav');
  });
});
