// The callflow module contract: one definition per Kazoo module, in callflows/<name>.ts.
// The registry built from these drives validation, the API's schema listing, the executor and docs.
import type { CallControl } from '../callcontrol/port.ts';
import type { Logger } from '../log.ts';
import type { CallRecord } from './call-records.ts';
import type { CarrierSource } from '../carriers/source.ts';

/**
 * What a module tells the executor to do next: Kazoo's cf_exe control verbs.
 * - child: continue(K): take child K, falling back to `_`; neither → stop.
 * - stop: return to a stacked parent's `_` if any, else end the call (hang up, with `cause`).
 * - hard_stop: end the call now, ignoring the stack (the `hangup` module, a channel that is gone).
 * - branch: push the current node's `_` and run `flow` (callflow, menu hunt, disa…); counts toward 50.
 * - replace: run `flow` instead of the rest of this flow (a pivot response); the stack is kept.
 * - release: end execution without hanging up (transferred, parked, or owned by a conference/fax).
 */
export type Outcome =
  | { kind: 'child'; key: string; reason?: string }
  | { kind: 'stop'; cause?: string; reason?: string }
  | { kind: 'hard_stop'; cause?: string; reason?: string }
  | { kind: 'branch'; flow: CallflowNode; reason?: string }
  | { kind: 'replace'; flow: CallflowNode; reason?: string }
  | { kind: 'release'; reason?: string };

export interface CallflowNode {
  module: string;
  data?: Record<string, unknown>;
  children?: Record<string, CallflowNode>;
  [extra: string]: unknown;
}

/** The account's documents as modules see them: always scoped to the call's account. */
export interface AccountData {
  get<T = Record<string, unknown>>(collection: string, id: string): Promise<T | undefined>;
  find<T = Record<string, unknown>>(collection: string, filter: Record<string, unknown>, limit?: number): Promise<T[]>;
  /**
   * Sets fields (dotted paths allowed) on one document; a field given as `undefined` is removed.
   * `where` narrows the match (e.g. `{'messages.media_id': id}` with a `messages.$.folder` field).
   * False when the document does not exist (or does not match `where`).
   */
  update(collection: string, id: string, set: Record<string, unknown>, where?: Record<string, unknown>): Promise<boolean>;
  /**
   * Appends `item` to the array `field` of one document, atomically (concurrent callers never lose one);
   * false when the document does not exist.
   */
  push(collection: string, id: string, field: string, item: unknown): Promise<boolean>;
  /** Creates a document of the account (id, account and Kazoo's `pvt_*` bookkeeping are added). */
  insert(collection: string, id: string, doc: Record<string, unknown>): Promise<void>;
  /**
   * Adds `by` (default 1) to the number `field` of one document, creating the document when absent,
   * atomically (concurrent callers each get their own value); resolves to the new value.
   */
  increment(collection: string, id: string, field: string, by?: number): Promise<number>;
}

export interface SpeakOptions {
  voice?: string;
  language?: string;
  /** 'espeak' (local, default) or 'google'. */
  engine?: string;
}

/** Turns what a callflow names into something the call-control port can play. */
export interface MediaServices {
  /**
   * A Kazoo media reference (32-hex media id, `/<db>/<id>`, http(s) URL, `tone_stream://`,
   * `silence_stream://N`, a system prompt name such as `vm-goodbye`) → playable URIs.
   */
  resolve(ref: string, language?: string): Promise<string[]>;
  /** Synthesised speech (cached by engine, voice, language, text) → a playable URI. */
  speak(text: string, opts?: SpeakOptions): Promise<string>;
  /**
   * A new recording: a fresh media id and the file (inside the media folder Asterisk shares) for the
   * port's record()/recordCall() to write.
   */
  newRecording(): NewRecording;
  /**
   * Stores a finished recording as a media document of the account (`media_source: recording`), playable
   * by id and downloadable at /v2/accounts/{account}/media/{id}/raw. False when its file is missing.
   */
  saveRecording(rec: NewRecording, doc: { name: string; [field: string]: unknown }): Promise<boolean>;
  /** Removes a recording's file (too short, not wanted). */
  discardRecording(rec: NewRecording): Promise<void>;
}

export interface NewRecording {
  mediaId: string;
  /** Absolute path of the wav file. */
  path: string;
}

/** Per-call state a module may read and write (CAVs, captures, collected digits...). */
export interface CallContext {
  call: CallControl;
  accountId: string;
  callflowId?: string;
  /** Capture groups of the pattern that matched, Kazoo's `capture_group`. */
  captureGroup?: string;
  captureGroups?: Record<string, string>;
  /** Custom application variables (set_variables). */
  cav: Record<string, string>;
  /** Named digit collections (collect_dtmf). */
  collected: Record<string, string>;
  /**
   * Free-form per-call attributes recorded on the call record. Kazoo's call flags live here:
   * `call_bridged: true` once a bridge was answered, `message_left: true` once a voicemail was left
   * (missed_call_alert and notification read them at hangup).
   */
  attributes: Record<string, unknown>;
  /** Call language (the `language` module changes it). */
  language: string;
  data: AccountData;
  media: MediaServices;
  logger: Logger;
  /**
   * Runs `handler` once the call has ended, with its final record (Kazoo's termination handlers:
   * missed_call_alert, notification). Handlers never delay the caller; their failures are logged.
   */
  onEnd(handler: CallEndHandler): void;
  /**
   * Keys of the running node's non-empty children, set by the executor before each run: Kazoo's
   * cf_exe:attempt(K) (take K only if it exists, else the module does something else).
   */
  childKeys?: readonly string[];
  /** The carriers (resources documents) a call may dial out through: the account's own, or the system's. */
  carriers?: CarrierSource;
}

/** An end-of-call handler: gets the call's record as written (times, hangup cause, trace, attributes). */
export type CallEndHandler = (record: Readonly<CallRecord>) => void | Promise<void>;

export type JsonSchema = Record<string, unknown>;

export interface ModuleDefinition<D = Record<string, unknown>> {
  /** Kazoo module name. */
  name: string;
  aliases?: string[];
  /** Short human description. */
  summary: string;
  /** JSON Schema of the node's `data`, with Kazoo's defaults. */
  schema: JsonSchema;
  /** Child keys the module can take; '*' means any key (e.g. rule ids, digits). */
  children: string[];
  /** false: the name is known and its data validated, but the engine skips it (goes to `_`). */
  implemented: boolean;
  run?(ctx: CallContext, data: D): Promise<Outcome>;
}

export const next = (reason?: string): Outcome => ({ kind: 'child', key: '_', reason });
export const child = (key: string, reason?: string): Outcome => ({ kind: 'child', key, reason });
export const stop = (reason?: string, cause?: string): Outcome => ({ kind: 'stop', reason, cause });
