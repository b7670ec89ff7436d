// The parts of ARI's JSON (Asterisk 22, ARI 10) that ariflow reads, as they arrive on the event websocket.
// Kept minimal and structural: events are parsed JSON, never ari-client resource objects.

export interface AriCallerId {
  name: string;
  number: string;
}

export interface AriDialplan {
  context: string;
  exten: string;
  priority: number;
  /** e.g. `Stasis` while the channel is in an ARI application. */
  app_name?: string;
  /** e.g. `ariflow,inbound,1234`: the application name, then its arguments. */
  app_data?: string;
}

export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: AriCallerId;
  connected?: AriCallerId;
  dialplan?: AriDialplan;
  creationtime?: string;
  language?: string;
  /** Only the variables listed in ari.conf `channelvars`. */
  channelvars?: Record<string, string>;
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  /** `channel:<id>` or `bridge:<id>`. */
  target_uri: string;
  /** queued, playing, continuing, done, failed, cancelled. */
  state: string;
}

/** A live recording (RecordingStarted / RecordingFinished / RecordingFailed). */
export interface AriLiveRecording {
  name: string;
  format: string;
  /** `channel:<id>` or `bridge:<id>`. */
  target_uri: string;
  /** queued, recording, paused, done, failed, canceled. */
  state: string;
  /** Seconds (RecordingFinished). */
  duration?: number;
  talking_duration?: number;
  silence_duration?: number;
  /** Why it failed (RecordingFailed). */
  cause?: string;
}

export interface AriEvent {
  type: string;
  application?: string;
  timestamp?: string;
  channel?: AriChannel;
  playback?: AriPlayback;
  recording?: AriLiveRecording;
  /** StasisStart arguments (the Stasis() dialplan application's arguments after the app name). */
  args?: string[];
  /** ChannelDtmfReceived. */
  digit?: string;
  duration_ms?: number;
  /** ChannelHangupRequest / ChannelDestroyed: Q.850 cause code. */
  cause?: number;
  cause_txt?: string;
  soft?: boolean;
  /** Dial: the dialled channel, and how dialling it goes (RINGING, ANSWER, BUSY, CONGESTION, NOANSWER, CHANUNAVAIL, CANCEL...). */
  peer?: AriChannel;
  dialstatus?: string;
  /** ChannelUserevent (dialplan UserEvent): its name, and its `Header: value` arguments as an object. */
  eventname?: string;
  userevent?: Record<string, string>;
  [extra: string]: unknown;
}
