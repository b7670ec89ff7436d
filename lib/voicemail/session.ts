// The voicemail module's two conversations, with Kazoo's (cf_voicemail) prompts, keys and limits:
// compose (greeting → beep → record → review → save) and check (login → main menu → messages).
import { CallGoneError } from '../callcontrol/port.ts';
import { next, stop, type CallContext, type CallflowNode, type NewRecording, type Outcome } from '../engine/module.ts';
import {
  VM_DEFAULTS,
  interdigitMs,
  isFull,
  maxMessageLengthSec,
  messageCounts,
  messageMediaName,
  messagesIn,
  mwiMailbox,
  newMessage,
  pinMatches,
  type Folder,
  type VmBox,
  type VmMessage,
} from './box.ts';

export interface VoicemailData {
  action?: string;
  id?: string;
  max_message_length?: number;
  interdigit_timeout?: number;
  single_mailbox_login?: boolean;
  callerid_match_login?: boolean;
}

const ALL_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
/** Kazoo's wait for a menu key. */
const MENU_TIMEOUT_MS = 5000;

/**
 * Menus whose keys no stock Asterisk prompt states correctly are spoken (TTS, cached); without a TTS
 * engine the nearest Asterisk prompt plays instead.
 */
const MENUS = {
  main: {
    text: 'To listen to new messages, press 1. To listen to saved messages, press 2. To record your greeting, press 5. To exit, press pound.',
    fallback: 'sound:vm-options',
  },
  message: {
    text: 'To save this message, press 1. To replay it, press 2. To delete it, press 7. For the next message, press 6. For the previous message, press 4. For the main menu, press 0.',
    fallback: 'sound:vm-msginstruct',
  },
} as const;

// ---- small conversation helpers ----

/** Plays prompts (Kazoo ids, media ids or ready URIs such as `number:3`); returns the key that interrupted them. */
async function prompt(ctx: CallContext, items: string[], terminators: string[] = ALL_KEYS): Promise<string | undefined> {
  const media: string[] = [];
  for (const item of items) {
    if (/^[a-z]+:/.test(item) && !item.startsWith('http')) media.push(item);
    else media.push(...(await ctx.media.resolve(item, ctx.language)));
  }
  if (!media.length) return undefined;
  const r = await ctx.call.play(media, { terminators, language: ctx.language });
  return r.status === 'interrupted' ? r.digit : undefined;
}

/** Plays prompts (interruptible by any key) then collects digits; keys pressed during the prompts count. */
async function ask(ctx: CallContext, items: string[], opts: { maxDigits: number; interdigitMs: number; terminators?: string[] }): Promise<string> {
  await prompt(ctx, items);
  const r = await ctx.call.collectDigits({ maxDigits: opts.maxDigits, timeoutMs: MENU_TIMEOUT_MS, interdigitMs: opts.interdigitMs, terminators: opts.terminators ?? [] });
  return r.digits;
}

async function menu(ctx: CallContext, kind: keyof typeof MENUS): Promise<string> {
  try {
    return await ctx.media.speak(MENUS[kind].text, { language: ctx.language });
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, 'voicemail menu: TTS unavailable, using the stock prompt');
    return MENUS[kind].fallback;
  }
}

// ---- documents ----

export async function loadBox(ctx: CallContext, id: string): Promise<VmBox | undefined> {
  const box = await ctx.data.get<VmBox>('vmboxes', id);
  return box && box.pvt_deleted !== true ? box : undefined;
}

export async function boxByNumber(ctx: CallContext, mailbox: string): Promise<VmBox | undefined> {
  if (!mailbox) return undefined;
  const found = (await ctx.data.find<VmBox>('vmboxes', { mailbox }, 3)).filter((b) => b.pvt_deleted !== true);
  // Duplicate box numbers make the lookup fail in Kazoo too.
  return found.length === 1 ? found[0] : undefined;
}

/** The user the call belongs to: set by an earlier step, or the calling device's owner. */
async function callOwnerId(ctx: CallContext): Promise<string | undefined> {
  if (typeof ctx.attributes.owner_id === 'string') return ctx.attributes.owner_id;
  const deviceId = ctx.attributes.device_id;
  if (typeof deviceId !== 'string') return undefined;
  const device = await ctx.data.get<{ owner_id?: unknown }>('devices', deviceId);
  return typeof device?.owner_id === 'string' ? device.owner_id : undefined;
}

/** Operator key: the callflow of the box's operator_number, else the account's callflow for `0`. */
async function operatorFlow(ctx: CallContext, box: VmBox): Promise<CallflowNode | undefined> {
  const number = box.operator_number !== undefined && String(box.operator_number) !== '' ? String(box.operator_number) : '0';
  const [cf] = await ctx.data.find<{ flow?: CallflowNode }>('callflows', { numbers: number }, 1);
  return cf?.flow && typeof cf.flow === 'object' ? cf.flow : undefined;
}

/** Publishes the box's new/saved counts to its owner's phones (best effort: never fails the call). */
export async function updateMwi(ctx: CallContext, boxId: string): Promise<void> {
  try {
    const box = await loadBox(ctx, boxId);
    if (!box) return;
    await ctx.call.setMessageWaiting(mwiMailbox(ctx.accountId, box._id), messageCounts(box));
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message, box: boxId }, 'voicemail: message waiting update failed');
  }
}

async function saveMessage(ctx: CallContext, box: VmBox, rec: NewRecording, lengthMs: number): Promise<VmMessage | undefined> {
  const at = new Date();
  const stored = await ctx.media.saveRecording(rec, {
    name: messageMediaName(box.mailbox, at),
    description: 'voicemail message with media',
    source_type: 'voicemail',
    source_id: box._id,
    media_type: 'wav',
  });
  if (!stored) return undefined;
  const message = newMessage({
    at,
    callerNumber: ctx.call.callerId.number,
    callerName: ctx.call.callerId.name,
    callId: ctx.call.id,
    to: box.mailbox ?? ctx.call.dialed,
    lengthMs,
    mediaId: rec.mediaId,
  });
  await ctx.data.push('vmboxes', box._id, 'messages', message);
  await updateMwi(ctx, box._id);
  return message;
}

async function setFolder(ctx: CallContext, box: VmBox, message: VmMessage, folder: Folder): Promise<void> {
  if (message.folder === folder) return;
  await ctx.data.update('vmboxes', box._id, { 'messages.$.folder': folder }, { 'messages.media_id': message.media_id });
  message.folder = folder;
}

// ---- recording with review ----

interface Recorded {
  rec: NewRecording;
  durationMs: number;
  /** The caller hung up (during the recording or the review): keep what was recorded. */
  hungUp: boolean;
  /** `0` pressed in the review: save, then go to the operator. */
  operator?: boolean;
}

async function recordWithReview(ctx: CallContext, maxSec: number, allowOperator: boolean, idMs: number): Promise<Recorded> {
  for (;;) {
    const rec = ctx.media.newRecording();
    ctx.call.flushDigits();
    const r = await ctx.call.record({ path: rec.path, maxDurationSec: maxSec, maxSilenceSec: VM_DEFAULTS.silenceSec, beep: true, terminateOn: 'any' });
    const durationMs = r.file ? r.durationMs : 0;
    if (r.reason === 'hangup') return { rec, durationMs, hungUp: true };
    // Review (Kazoo): 1 save, 2 listen, 3 re-record, 0 operator; four rounds without a choice save it.
    try {
      let again = false;
      for (let round = 0; round < 4 && !again; round++) {
        ctx.call.flushDigits();
        const key = await ask(ctx, ['vm-review_recording'], { maxDigits: 1, interdigitMs: idMs });
        if (key === '1') return { rec, durationMs, hungUp: false };
        if (key === '2') await prompt(ctx, [`sound:${rec.path.replace(/\.wav$/, '')}`]);
        else if (key === '3') again = true;
        else if (key === '0' && allowOperator) return { rec, durationMs, hungUp: false, operator: true };
      }
      if (!again) return { rec, durationMs, hungUp: false };
      await ctx.media.discardRecording(rec);
    } catch (err) {
      if (err instanceof CallGoneError) return { rec, durationMs, hungUp: true };
      throw err;
    }
  }
}

// ---- compose ----

async function greeting(ctx: CallContext, box: VmBox): Promise<string[]> {
  const out: string[] = [];
  if (box.play_greeting_intro === true) out.push('vm-greeting_intro');
  for (const ref of [box.media?.temporary_unavailable, box.media?.unavailable]) {
    if (typeof ref !== 'string' || !ref) continue;
    const media = await ctx.media.resolve(ref, ctx.language);
    if (media.length) return [...out, ...media];
  }
  if (box.use_person_not_available === true) return [...out, 'vm-person_not_available'];
  return [...out, 'vm-person', `digits:${(box.mailbox ?? '').replace(/[^0-9*#]/g, '') || '0'}`, 'vm-not_available'];
}

export async function compose(ctx: CallContext, data: VoicemailData, box: VmBox | undefined): Promise<Outcome> {
  await ctx.call.answer();
  if (!box) {
    await prompt(ctx, ['vm-not_available_no_voicemail'], []);
    return next('voicemail box not found');
  }
  ctx.attributes.voicemail = { action: 'compose', box_id: box._id };
  const owner = await callOwnerId(ctx);
  // A user calling their own number lands in their mailbox (check_if_owner; absent = false, as Kazoo's code).
  if (box.check_if_owner === true && owner !== undefined && owner === box.owner_id) return check(ctx, data, { box, isOwner: true });
  if (isFull(box)) {
    await prompt(ctx, ['vm-mailbox_full'], []);
    return next('mailbox full');
  }
  let key: string | undefined;
  if (box.skip_greeting !== true || box.announcement_only === true) key = await prompt(ctx, await greeting(ctx, box));
  if (box.announcement_only === true) return key === '*' ? check(ctx, data, { box }) : next('announcement only');
  if (key === undefined && box.skip_instructions !== true) key = await prompt(ctx, ['vm-record_message']);
  if (key === '*') return check(ctx, data, { box });
  if (key === '0') {
    const flow = await operatorFlow(ctx, box);
    if (flow) return { kind: 'branch', flow, reason: 'operator' };
  }
  const idMs = interdigitMs(data.interdigit_timeout, box);
  const recorded = await recordWithReview(ctx, maxMessageLengthSec(data.max_message_length, box), true, idMs);
  const saved = recorded.durationMs >= VM_DEFAULTS.minMessageMs ? await saveMessage(ctx, box, recorded.rec, recorded.durationMs) : undefined;
  if (!saved) await ctx.media.discardRecording(recorded.rec);
  else ctx.attributes.voicemail = { action: 'compose', box_id: box._id, message_left: true, media_id: saved.media_id, length: saved.length };
  if (recorded.hungUp) return stop(saved ? 'caller hung up; message saved' : 'caller hung up; nothing to save');
  if (!saved) return next('message too short');
  await prompt(ctx, ['vm-saved', 'vm-thank_you'], []);
  if (recorded.operator) {
    const flow = await operatorFlow(ctx, box);
    if (flow) return { kind: 'branch', flow, reason: 'message saved; operator' };
  }
  return next('message saved');
}

// ---- check ----

export async function check(ctx: CallContext, data: VoicemailData, preset?: { box: VmBox; isOwner?: boolean }): Promise<Outcome> {
  await ctx.call.answer();
  if (preset?.isOwner && preset.box.require_pin !== true) return mainMenu(ctx, data, preset.box);
  const owner = await callOwnerId(ctx);
  let fixed = preset?.box;
  if (!fixed && data.id) {
    fixed = await loadBox(ctx, data.id);
    if (!fixed) {
      await prompt(ctx, ['vm-not_available_no_voicemail'], []);
      return next('voicemail box not found');
    }
  }
  if (!fixed && ctx.captureGroup) fixed = await boxByNumber(ctx, ctx.captureGroup);
  if (!fixed && owner !== undefined && (data.single_mailbox_login || data.callerid_match_login)) {
    const mine = (await ctx.data.find<VmBox>('vmboxes', { owner_id: owner }, 50)).filter((b) => b.pvt_deleted !== true);
    if (data.callerid_match_login) fixed = mine.find((b) => b.mailbox === ctx.call.callerId.number);
    if (!fixed && data.single_mailbox_login && mine.length === 1) fixed = mine[0];
  }
  const idMs = interdigitMs(data.interdigit_timeout, fixed);
  for (let attempt = 0; attempt < VM_DEFAULTS.maxLoginAttempts; attempt++) {
    let box = fixed;
    if (!box) {
      const number = await ask(ctx, ['vm-enter_id'], { maxDigits: VM_DEFAULTS.maxBoxNumberLength, interdigitMs: idMs, terminators: ['#'] });
      if (!number) continue;
      // An unknown number still gets the PIN prompt: the caller learns nothing about which boxes exist.
      box = await boxByNumber(ctx, number);
    }
    const isOwner = owner !== undefined && box?.owner_id === owner;
    if (box && isOwner && box.require_pin !== true) return mainMenu(ctx, data, box);
    if (box && !box.pin && !isOwner) {
      await prompt(ctx, ['vm-no_access'], []);
      return next('box has no PIN');
    }
    const pin = await ask(ctx, ['vm-enter_pass'], { maxDigits: VM_DEFAULTS.maxPinLength, interdigitMs: idMs, terminators: ['#'] });
    if (box && pinMatches(box, pin)) return mainMenu(ctx, data, box);
    await prompt(ctx, ['vm-fail_auth'], []);
  }
  await prompt(ctx, ['vm-abort'], []);
  return next('login failed');
}

function countPrompts(c: { new: number; old: number }): string[] {
  const plural = (n: number) => (n === 1 ? 'sound:vm-message' : 'sound:vm-messages');
  return ['sound:vm-youhave', `number:${c.new}`, 'sound:vm-INBOX', plural(c.new), 'sound:vm-and', `number:${c.old}`, 'sound:vm-Old', plural(c.old)];
}

async function mainMenu(ctx: CallContext, data: VoicemailData, start: VmBox): Promise<Outcome> {
  ctx.attributes.voicemail = { action: 'check', box_id: start._id, logged_in: true };
  const idMs = interdigitMs(data.interdigit_timeout, start);
  let box = start;
  let silent = 0;
  try {
    for (;;) {
      box = (await loadBox(ctx, box._id)) ?? box;
      ctx.call.flushDigits();
      const key = await ask(ctx, [...countPrompts(messageCounts(box)), await menu(ctx, 'main')], { maxDigits: 1, interdigitMs: idMs });
      if (key === '#') break;
      if (key === '') {
        if (++silent >= 3) break;
        continue;
      }
      silent = 0;
      if (key === '1') await playMessages(ctx, box, 'new', idMs);
      else if (key === '2') await playMessages(ctx, box, 'saved', idMs);
      else if (key === '5' && box.not_configurable !== true) await recordGreeting(ctx, data, box, idMs);
      else await prompt(ctx, ['menu-invalid_entry'], []);
    }
    await prompt(ctx, ['vm-goodbye'], []);
  } finally {
    await updateMwi(ctx, box._id);
  }
  return next('mailbox checked');
}

async function playMessages(ctx: CallContext, box: VmBox, folder: Folder, idMs: number): Promise<void> {
  const list = messagesIn(box, folder);
  if (!list.length) {
    await prompt(ctx, ['vm-no_messages']);
    return;
  }
  const menuUri = await menu(ctx, 'message');
  let listened = 0;
  for (let i = 0; i < list.length; ) {
    const message = list[i];
    const audio = await ctx.media.resolve(message.media_id, ctx.language);
    const envelope = box.skip_envelope === true ? [] : ['sound:vm-message', `number:${i + 1}`];
    ctx.call.flushDigits();
    let key = await ask(ctx, [...envelope, ...audio, menuUri], { maxDigits: 1, interdigitMs: idMs });
    for (let round = 1; key === '' && round < 3; round++) key = await ask(ctx, [menuUri], { maxDigits: 1, interdigitMs: idMs });
    listened++;
    if (key === '' || key === '0') return;
    if (key === '1') {
      await setFolder(ctx, box, message, 'saved');
      await prompt(ctx, ['vm-saved'], []);
      i++;
    } else if (key === '7') {
      await setFolder(ctx, box, message, 'deleted');
      await prompt(ctx, ['vm-deleted'], []);
      i++;
    } else if (key === '6') i++;
    else if (key === '4') i = Math.max(0, i - 1);
    else if (key !== '2') await prompt(ctx, ['menu-invalid_entry'], []);
  }
  if (listened > 0) await prompt(ctx, ['vm-no_more_messages']);
}

/** Main menu 5 (Kazoo's configure menu, reduced to its first entry): record the unavailable greeting. */
async function recordGreeting(ctx: CallContext, data: VoicemailData, box: VmBox, idMs: number): Promise<void> {
  await prompt(ctx, ['vm-record_greeting']);
  const recorded = await recordWithReview(ctx, maxMessageLengthSec(data.max_message_length, box), false, idMs);
  if (recorded.durationMs < VM_DEFAULTS.minMessageMs) {
    await ctx.media.discardRecording(recorded.rec);
    return;
  }
  const stored = await ctx.media.saveRecording(recorded.rec, {
    name: `mailbox ${box.mailbox ?? ''} unavailable greeting`,
    description: 'voicemail unavailable greeting',
    source_type: 'voicemail',
    source_id: box._id,
  });
  if (!stored) return;
  await ctx.data.update('vmboxes', box._id, { 'media.unavailable': recorded.rec.mediaId });
  if (!recorded.hungUp) await prompt(ctx, ['vm-saved'], []);
}
