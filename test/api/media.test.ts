// Media audio: upload and download, stored under <mediaDir>/<account_id>/<media_id>.<ext> where
// Asterisk can play it; content types and size checked; TTS media has no stored audio.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pcmToUlaw } from '../../lib/media/ulaw.ts';
import { startApi, type Harness } from './harness.ts';

/** A short 8 kHz mono 16-bit WAV (a 440 Hz beep). */
function wav(ms = 200): Buffer {
  const samples = (8000 * ms) / 1000;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('API: media', function () {
  let h: Harness;
  let base: string;
  let accountId: string;
  before(async () => {
    h = await startApi();
    const acct = await h.childAccount(h.masterId, 'Media');
    accountId = acct.id;
    base = `/v2/accounts/${acct.id}`;
  });
  after(async () => h?.close());

  const newMedia = async (data: Record<string, unknown>) => (await h.request('PUT', `${base}/media`, { json: { data } })).body.data.id as string;

  it('uploads audio where Asterisk can play it and downloads the same bytes', async () => {
    const id = await newMedia({ name: 'Greeting', media_source: 'upload' });
    const audio = wav();
    const up = await h.request('POST', `${base}/media/${id}/raw`, { raw: audio, contentType: 'audio/x-wav' });
    expect(up.status, JSON.stringify(up.body)).to.equal(200);
    expect(up.body.data).to.deep.equal({ name: 'Greeting', media_source: 'upload', id });
    const file = path.join(h.mediaDir, accountId, `${id}.wav`);
    expect(readFileSync(file).equals(audio)).to.equal(true);
    // A telephone-band WAV also gets its µ-law copy (Asterisk streams it to µ-law calls untranscoded).
    const ulaw = path.join(h.mediaDir, accountId, `${id}.ulaw`);
    expect(readFileSync(ulaw).equals(pcmToUlaw(audio.subarray(44)))).to.equal(true);
    // What lib/media/resolver.ts plays: `file` relative to the media folder, without extension.
    const raw = await h.store.db.collection('media').findOne({ _id: id as never });
    expect(raw?.file).to.equal(`${accountId}/${id}`);

    const res = await fetch(`${h.url}${base}/media/${id}/raw`, { headers: { 'X-Auth-Token': h.masterToken } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('audio/wav');
    expect(Buffer.from(await res.arrayBuffer()).equals(audio)).to.equal(true);

    const list = await h.request('GET', `${base}/media`);
    expect(list.body.data.find((m: { id: string }) => m.id === id)).to.include({ has_audio: true });
    const exported = await h.request('GET', `${base}/export?collections=media`);
    expect(exported.body.data.media.find((m: { id: string }) => m.id === id)).not.to.have.property('file');

    // Replacing with another format removes the old file.
    const mp3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(100)]);
    expect((await h.request('PUT', `${base}/media/${id}/raw`, { raw: mp3, contentType: 'audio/mpeg' })).status).to.equal(200);
    expect(existsSync(file)).to.equal(false);
    expect(existsSync(ulaw), 'the old µ-law copy goes with the old audio').to.equal(false);
    expect(existsSync(path.join(h.mediaDir, accountId, `${id}.mp3`))).to.equal(true);

    expect((await h.request('DELETE', `${base}/media/${id}`)).status).to.equal(200);
    expect(existsSync(path.join(h.mediaDir, accountId, `${id}.mp3`))).to.equal(false);
  });

  it('refuses other content types (415), bodies that are not the audio they claim (400) and over 20 MiB (413)', async () => {
    const id = await newMedia({ name: 'Checks' });
    expect((await h.request('POST', `${base}/media/${id}/raw`, { raw: wav(), contentType: 'text/plain' })).status).to.equal(415);
    expect((await h.request('POST', `${base}/media/${id}/raw`, { raw: '{"data":{}}', contentType: 'audio/wav' })).status).to.equal(400);
    const big = Buffer.alloc(21 * 1024 * 1024);
    big.write('RIFF', 0);
    big.write('WAVE', 8);
    expect((await h.request('POST', `${base}/media/${id}/raw`, { raw: big, contentType: 'audio/wav' })).status).to.equal(413);
    expect((await h.request('GET', `${base}/media/${id}/raw`)).status).to.equal(404);
  });

  it('stores text-to-speech media (synthesised when played, so no raw audio)', async () => {
    const id = await newMedia({ name: 'Closed', media_source: 'tts', tts: { text: 'We are closed', voice: 'female/en-US' } });
    const got = await h.request('GET', `${base}/media/${id}`);
    expect(got.body.data.tts).to.deep.equal({ text: 'We are closed', voice: 'female/en-US' });
    const raw = await h.request('GET', `${base}/media/${id}/raw`);
    expect(raw.status).to.equal(404);
    expect(raw.body.data.message).to.include('synthesised');
  });

  it('does not let a client set the stored file path', async () => {
    const id = await newMedia({ name: 'Sneaky', file: '../../../etc/passwd' });
    const raw = await h.store.db.collection('media').findOne({ _id: id as never });
    expect(raw).not.to.have.property('file');
  });
});
