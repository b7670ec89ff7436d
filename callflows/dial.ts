// Connects the caller to phone numbers or SIP destinations: one, all at once, or round robin; with screening,
// whisper, extension digits and a post-call flow. Kazoo has no such module: call tracking's "Dial" step (WhatConverts).
import type { ModuleDefinition } from '../lib/engine/module.ts';
import { text } from '../lib/legs/documents.ts';
import { CONNECTIONS, toRecipient, type Connection, type Recipient } from '../lib/tracking-dial/recipients.ts';
import { runDialStep, type DialSettings } from '../lib/tracking-dial/run.ts';
import { BRIDGE_FAILURE_KEYS, docId, mediaRef, moduleData } from './schema-parts.ts';

const extension = { type: 'string', pattern: '^[0-9*#wW]{1,32}$', description: 'DTMF sent after answer (w/W: 0.5 s / 1 s pause).' };

const recipient = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'number'],
      properties: {
        type: { const: 'phone' },
        number: { type: 'string', pattern: '^\\+?[0-9 ().-]{2,30}$', description: 'E.164 number, reached through a carrier.' },
        extension,
      },
    },
    {
      type: 'object',
      required: ['type'],
      anyOf: [{ required: ['uri'] }, { required: ['device_id'] }],
      properties: {
        type: { const: 'sip' },
        uri: { type: 'string', minLength: 5, maxLength: 256, description: 'sip:/sips: URI (or an Asterisk Local/<exten>@<context> string).' },
        device_id: docId,
        extension,
      },
    },
  ],
};

const definition: ModuleDefinition = {
  name: 'dial',
  summary: 'Call-tracking Dial: ring phones/SIP recipients (direct, multi_ring, round_robin); answered → stop or post_call (for the caller or the recipient), else cause child or `_`.',
  schema: moduleData(
    {
      connection: {
        type: 'string',
        enum: CONNECTIONS,
        default: 'direct',
        description: 'direct: the first recipient; multi_ring: all at once; round_robin: one at a time, each call starting with the next.',
      },
      recipients: { type: 'array', minItems: 1, maxItems: 50, items: recipient },
      timeout: { type: 'integer', minimum: 1, maximum: 600, default: 30, description: 'Seconds each recipient rings.' },
      screen: { type: 'boolean', default: false, description: 'Prevent automated answers: the recipient must press 1.' },
      screen_prompt: { ...mediaRef, description: 'What the recipient hears before pressing 1 (default: "press 1 to accept").' },
      screen_timeout: { type: 'integer', minimum: 1, maximum: 60, default: 7, description: 'Seconds to press 1 after the prompt.' },
      caller_id: { type: 'string', enum: ['caller', 'tracking_number'], default: 'caller', description: 'Caller ID the recipient sees.' },
      whisper: {
        oneOf: [
          {
            type: 'object',
            required: ['say'],
            properties: { say: { type: 'string', minLength: 1, maxLength: 1000 }, voice: { type: 'string' }, language: { type: 'string' } },
          },
          { type: 'object', required: ['play'], properties: { play: mediaRef } },
        ],
        description: 'Heard by the recipient alone before connecting: {say: text} (TTS) or {play: media}.',
      },
      post_call: {
        ...docId,
        description:
          'Callflow run after the conversation: for the caller (post_call_for caller) when the recipient hangs up or presses post_call_key; for the recipient (post_call_for recipient; the callflow needs a number) when the caller hangs up or the recipient presses post_call_key.',
      },
      post_call_key: { type: 'string', pattern: '^[0-9*#]$', description: 'Key the recipient presses during the conversation to leave it and start the post-call flow.' },
      post_call_for: {
        type: 'string',
        enum: ['caller', 'recipient'],
        default: 'caller',
        description: 'caller: a survey for the caller (WhatConverts); recipient: a disposition menu for the recipient, whose line stays up.',
      },
      ringback: mediaRef,
    },
    ['recipients'],
  ),
  children: ['_', ...BRIDGE_FAILURE_KEYS],
  implemented: true,
  async run(ctx, data) {
    const recipients = (Array.isArray(data.recipients) ? data.recipients : []).map(toRecipient).filter((r): r is Recipient => !!r);
    const connection = CONNECTIONS.includes(data.connection as Connection) ? (data.connection as Connection) : 'direct';
    const w = data.whisper as Record<string, unknown> | undefined;
    const say = text(w?.say);
    const play = text(w?.play);
    const settings: DialSettings = {
      connection,
      recipients,
      timeoutSec: Number(data.timeout) > 0 ? Number(data.timeout) : 30,
      screen: data.screen === true,
      screenTimeoutSec: Number(data.screen_timeout) || 7,
      callerId: data.caller_id === 'tracking_number' ? 'tracking_number' : 'caller',
    };
    if (say) settings.whisper = { say, ...(text(w?.voice) ? { voice: text(w?.voice) } : {}), ...(text(w?.language) ? { language: text(w?.language) } : {}) };
    else if (play) settings.whisper = { play };
    const prompt = text(data.screen_prompt);
    if (prompt) settings.screenPrompt = prompt;
    const postCall = text(data.post_call);
    if (postCall) settings.postCall = postCall;
    const postCallKey = text(data.post_call_key);
    if (postCallKey) settings.postCallKey = postCallKey;
    if (data.post_call_for === 'recipient') settings.postCallFor = 'recipient';
    const ringback = text(data.ringback);
    if (ringback) settings.ringback = ringback;
    return runDialStep(ctx, settings);
  },
};

export default definition;
