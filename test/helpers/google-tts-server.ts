// A local Google Cloud Text-to-Speech: a real gRPC server speaking the cloud_tts.proto that ships with
// @google-cloud/text-to-speech, so tests run the official client end to end. SynthesizeSpeech answers
// LINEAR16 like Google does (a WAV header, then samples at the requested rate): a tone whose length
// grows with the text. Requests are recorded; failures and delays can be injected.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

/** The proto folders of the installed client and of google-gax (google/api/*.proto). */
export function ttsProtoDirs(): { root: string; includeDirs: string[] } {
  const clientDir = path.dirname(require.resolve('@google-cloud/text-to-speech/package.json'));
  // google-gax's exports hide package.json: walk up from its entry point.
  let gaxDir = path.dirname(createRequire(path.join(clientDir, 'package.json')).resolve('google-gax'));
  while (!existsSync(path.join(gaxDir, 'build/protos/google/api/annotations.proto'))) {
    const up = path.dirname(gaxDir);
    if (up === gaxDir) throw new Error('google-gax protos not found');
    gaxDir = up;
  }
  const root = path.join(clientDir, 'build/protos');
  return { root, includeDirs: [root, path.join(gaxDir, 'build/protos')] };
}

export interface RecordedSynthesis {
  input: { text?: string; ssml?: string };
  voice: { languageCode?: string; name?: string; ssmlGender?: string };
  audioConfig: { audioEncoding?: string; sampleRateHertz?: number };
  metadata: Record<string, string>;
}

export interface GoogleTtsServerBehaviour {
  /** Answer every request with this gRPC status instead of audio. */
  failWith?: { code: grpc.status; details: string };
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface GoogleTtsServer {
  /** `127.0.0.1:<port>`, for ARIFLOW_GOOGLE_TTS_ENDPOINT. */
  address: string;
  port: number;
  requests: RecordedSynthesis[];
  behaviour: GoogleTtsServerBehaviour;
  /** Seconds of audio the server returns for a text. */
  durationFor(text: string): number;
  close(): Promise<void>;
}

/** 70 ms a character, between 0.5 s and 30 s: a fair speaking rate. */
const durationFor = (text: string) => Math.min(30, Math.max(0.5, [...text].length * 0.07));

function toneWav(seconds: number, rate: number, hz: number): Buffer {
  const samples = Math.round(seconds * rate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

export async function startGoogleTtsServer(port = 0): Promise<GoogleTtsServer> {
  const { root, includeDirs } = ttsProtoDirs();
  const def = protoLoader.loadSync(path.join(root, 'google/cloud/texttospeech/v1/cloud_tts.proto'), {
    includeDirs,
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    google: { cloud: { texttospeech: { v1: { TextToSpeech: grpc.ServiceClientConstructor } } } };
  };
  const service = pkg.google.cloud.texttospeech.v1.TextToSpeech.service;

  const requests: RecordedSynthesis[] = [];
  const behaviour: GoogleTtsServerBehaviour = {};
  const server = new grpc.Server();
  server.addService(service, {
    SynthesizeSpeech(call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) {
      const req = call.request as Omit<RecordedSynthesis, 'metadata'>;
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(call.metadata.getMap())) metadata[k] = String(v);
      requests.push({ input: req.input ?? {}, voice: req.voice ?? {}, audioConfig: req.audioConfig ?? {}, metadata });
      const answer = () => {
        if (behaviour.failWith) return callback({ code: behaviour.failWith.code, details: behaviour.failWith.details });
        const text = req.input?.text ?? req.input?.ssml ?? '';
        if (!text) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'input is empty' });
        if (req.audioConfig?.audioEncoding !== 'LINEAR16') return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'this test server speaks LINEAR16 only' });
        const rate = req.audioConfig.sampleRateHertz || 24000; // Google's natural rate
        const hz = req.voice?.ssmlGender === 'MALE' ? 220 : 440;
        callback(null, { audioContent: toneWav(durationFor(text), rate, hz) });
      };
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    },
    ListVoices(_call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) {
      callback(null, { voices: [{ languageCodes: ['en-US'], name: 'en-US-Standard-C', ssmlGender: 'FEMALE', naturalSampleRateHertz: 24000 }] });
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `127.0.0.1:${bound}`,
    port: bound,
    requests,
    behaviour,
    durationFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Calls left hanging by a test (delayMs) must not hold the suite.
        setTimeout(() => server.forceShutdown(), 500).unref();
      }),
  };
}
