// Pure parts of lib/tts: Kazoo voice names → engine voices, WAV encode/parse, config from env.
import { expect } from 'chai';
import { espeakVoice, googleVoice, normaliseLanguage, parseVoice } from '../../lib/tts/voices.ts';
import { encodeWav, parseWav } from '../../lib/tts/wav.ts';
import { loadTtsConfig, TtsError } from '../../lib/tts/index.ts';
import { splitEndpoint } from '../../lib/tts/google.ts';

const defaults = { voice: 'female', language: 'en-US' };

describe('tts voices', () => {
  const languages: [string, string][] = [
    ['en-US', 'en-US'], ['en-us', 'en-US'], ['EN_us', 'en-US'], ['fr-fr', 'fr-FR'], ['de', 'de'],
    ['zh-hans-cn', 'zh-Hans-CN'], ['es-419', 'es-419'], [' pt-br ', 'pt-BR'],
  ];
  for (const [raw, want] of languages) it(`normalises language ${JSON.stringify(raw)} → ${want}`, () => expect(normaliseLanguage(raw)).to.equal(want));
  for (const bad of ['', 'e', '-en', 'en us', 'en;rm', '../x']) {
    it(`rejects language ${JSON.stringify(bad)}`, () => expect(() => normaliseLanguage(bad)).to.throw(TtsError).with.property('code', 'unsupported_voice'));
  }

  const table: [string | undefined, string | undefined, string, Record<string, unknown>][] = [
    // voice, language → espeak -v, google voice
    [undefined, undefined, 'en-us+f3', { languageCode: 'en-US', ssmlGender: 'FEMALE' }],
    ['female', 'en-US', 'en-us+f3', { languageCode: 'en-US', ssmlGender: 'FEMALE' }],
    ['male', 'en-US', 'en-us', { languageCode: 'en-US', ssmlGender: 'MALE' }],
    ['MALE', 'fr-fr', 'fr-fr', { languageCode: 'fr-FR', ssmlGender: 'MALE' }],
    ['female/en-GB', undefined, 'en-gb+f3', { languageCode: 'en-GB', ssmlGender: 'FEMALE' }],
    ['male/de-DE', 'fr-FR', 'de-de', { languageCode: 'de-DE', ssmlGender: 'MALE' }],
    ['neutral/', 'es-ES', 'es-es', { languageCode: 'es-ES', ssmlGender: 'NEUTRAL' }],
    ['', 'de-de', 'de-de+f3', { languageCode: 'de-DE', ssmlGender: 'FEMALE' }],
  ];
  for (const [voice, language, espeak, google] of table) {
    it(`maps voice=${voice} language=${language} → espeak ${espeak}`, () => {
      const req = parseVoice(voice, language, defaults);
      expect(espeakVoice(req)).to.equal(espeak);
      expect(googleVoice(req)).to.deep.equal(google);
    });
  }

  it('passes engine-native voice names to their engine only', () => {
    expect(espeakVoice(parseVoice('en-us+m3', 'fr-FR', defaults))).to.equal('en-us+m3');
    expect(googleVoice(parseVoice('en-GB-Wavenet-B', 'fr-FR', defaults))).to.deep.equal({ languageCode: 'en-GB', name: 'en-GB-Wavenet-B' });
    expect(googleVoice(parseVoice('cmn-CN-Standard-A', undefined, defaults)).languageCode).to.equal('cmn-CN');
    expect(() => googleVoice(parseVoice('en-us+f3', undefined, defaults))).to.throw(TtsError).with.property('code', 'unsupported_voice');
  });

  it('refuses voice names that could be read as options or paths', () => {
    for (const v of ['-x', '--stdout', 'en us', 'a/b/c', '../../etc/passwd', 'en;rm -rf /', 'x'.repeat(80)]) {
      expect(() => espeakVoice(parseVoice(v, undefined, defaults)), v).to.throw(TtsError);
    }
    expect(() => parseVoice('robot/en-US', undefined, defaults)).to.throw(TtsError).with.property('code', 'unsupported_voice');
  });
});

describe('tts wav', () => {
  it('encodes a canonical header and parses it back', () => {
    const pcm = Buffer.alloc(1600);
    for (let i = 0; i < 800; i++) pcm.writeInt16LE(i - 400, i * 2);
    const wav = encodeWav({ pcm, sampleRate: 8000 });
    expect(wav.length).to.equal(44 + 1600);
    expect(wav.readUInt32LE(4)).to.equal(36 + 1600);
    const back = parseWav(wav);
    expect(back).to.include({ sampleRate: 8000, channels: 1, bitsPerSample: 16, format: 1 });
    expect(back.pcm.equals(pcm)).to.equal(true);
  });

  it('skips extra chunks and cuts a streamed (oversized) data chunk at the end of the buffer', () => {
    const wav = encodeWav({ pcm: Buffer.alloc(100, 1), sampleRate: 16000 });
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0')]); // odd size, padded
    const withList = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
    withList.writeUInt32LE(0xffffffff, 36 + list.length + 4);
    const back = parseWav(withList);
    expect(back.sampleRate).to.equal(16000);
    expect(back.pcm.length).to.equal(100);
  });

  it('rejects what is not a WAV', () => {
    expect(() => parseWav(Buffer.from('hello world, not a wav'))).to.throw(TtsError).with.property('code', 'bad_audio');
    expect(() => parseWav(encodeWav({ pcm: Buffer.alloc(10), sampleRate: 8000 }).subarray(0, 30))).to.throw(TtsError);
  });
});

describe('tts config', () => {
  it('reads defaults and overrides from the environment', () => {
    const d = loadTtsConfig({});
    expect(d).to.deep.include({ defaultEngine: 'espeak', maxChars: 4000, concurrency: 4, mediaDir: '/var/cache/ariflow/media' });
    expect(d.espeak).to.deep.equal({ chrootDir: undefined });
    const c = loadTtsConfig({
      ARIFLOW_TTS_ENGINE: 'google', ARIFLOW_STACK_ROOT: '/srv/sid', ARIFLOW_GOOGLE_TTS_ENDPOINT: '127.0.0.1:50051',
      ARIFLOW_GOOGLE_TTS_INSECURE: 'yes', ARIFLOW_TTS_CONCURRENCY: '2', ARIFLOW_MEDIA_DIR: '/m',
    });
    expect(c).to.deep.include({ defaultEngine: 'google', concurrency: 2, mediaDir: '/m' });
    expect(c.espeak?.chrootDir).to.equal('/srv/sid');
    expect(c.google).to.deep.include({ apiEndpoint: '127.0.0.1:50051', insecure: true });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadTtsConfig({ ARIFLOW_TTS_ENGINE: 'polly' })).to.throw(/ARIFLOW_TTS_ENGINE/);
    expect(() => loadTtsConfig({ ARIFLOW_TTS_CONCURRENCY: '0' })).to.throw(/ARIFLOW_TTS_CONCURRENCY/);
    expect(() => loadTtsConfig({ ARIFLOW_GOOGLE_TTS_ENDPOINT: 'http://x/y' })).to.throw(/ARIFLOW_GOOGLE_TTS_ENDPOINT/);
    expect(() => loadTtsConfig({ ARIFLOW_GOOGLE_TTS_INSECURE: 'maybe' })).to.throw(/ARIFLOW_GOOGLE_TTS_INSECURE/);
  });

  it('splits host:port endpoints, IPv6 included', () => {
    expect(splitEndpoint('127.0.0.1:50051')).to.deep.equal({ host: '127.0.0.1', port: 50051 });
    expect(splitEndpoint('[::1]:50051')).to.deep.equal({ host: '::1', port: 50051 });
    expect(splitEndpoint('eu-texttospeech.googleapis.com')).to.deep.equal({ host: 'eu-texttospeech.googleapis.com', port: undefined });
  });
});
