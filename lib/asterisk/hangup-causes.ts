// Hangup causes between the names callflows use (Kazoo/FreeSWITCH Q.850 names such as USER_BUSY, or ARI's
// short reasons such as `busy`) and the Q.850 codes Asterisk speaks (DELETE /channels?reason_code=, event `cause`).

/** Q.850 code → Kazoo name (FreeSWITCH spelling, which Kazoo uses; Asterisk's causes.h agrees on the codes). */
const q850: Record<number, string> = {
  1: 'UNALLOCATED_NUMBER',
  2: 'NO_ROUTE_TRANSIT_NET',
  3: 'NO_ROUTE_DESTINATION',
  6: 'CHANNEL_UNACCEPTABLE',
  7: 'CALL_AWARDED_DELIVERED',
  16: 'NORMAL_CLEARING',
  17: 'USER_BUSY',
  18: 'NO_USER_RESPONSE',
  19: 'NO_ANSWER',
  20: 'SUBSCRIBER_ABSENT',
  21: 'CALL_REJECTED',
  22: 'NUMBER_CHANGED',
  23: 'REDIRECTION_TO_NEW_DESTINATION',
  25: 'EXCHANGE_ROUTING_ERROR',
  26: 'ANSWERED_ELSEWHERE',
  27: 'DESTINATION_OUT_OF_ORDER',
  28: 'INVALID_NUMBER_FORMAT',
  29: 'FACILITY_REJECTED',
  30: 'RESPONSE_TO_STATUS_ENQUIRY',
  31: 'NORMAL_UNSPECIFIED',
  34: 'NORMAL_CIRCUIT_CONGESTION',
  38: 'NETWORK_OUT_OF_ORDER',
  41: 'NORMAL_TEMPORARY_FAILURE',
  42: 'SWITCH_CONGESTION',
  43: 'ACCESS_INFO_DISCARDED',
  44: 'REQUESTED_CHAN_UNAVAIL',
  50: 'FACILITY_NOT_SUBSCRIBED',
  52: 'OUTGOING_CALL_BARRED',
  54: 'INCOMING_CALL_BARRED',
  57: 'BEARERCAPABILITY_NOTAUTH',
  58: 'BEARERCAPABILITY_NOTAVAIL',
  65: 'BEARERCAPABILITY_NOTIMPL',
  66: 'CHAN_NOT_IMPLEMENTED',
  69: 'FACILITY_NOT_IMPLEMENTED',
  81: 'INVALID_CALL_REFERENCE',
  88: 'INCOMPATIBLE_DESTINATION',
  95: 'INVALID_MSG_UNSPECIFIED',
  96: 'MANDATORY_IE_MISSING',
  97: 'MESSAGE_TYPE_NONEXIST',
  98: 'WRONG_MESSAGE',
  99: 'IE_NONEXIST',
  100: 'INVALID_IE_CONTENTS',
  101: 'WRONG_CALL_STATE',
  102: 'RECOVERY_ON_TIMER_EXPIRE',
  103: 'MANDATORY_IE_LENGTH_ERROR',
  111: 'PROTOCOL_ERROR',
  127: 'INTERWORKING',
};

const byName = new Map<string, number>(Object.entries(q850).map(([code, name]) => [name, Number(code)]));

/** ARI's `reason` values for DELETE /channels (resource_channels.c), and FreeSWITCH-only names Kazoo emits. */
const aliases: Record<string, number> = {
  NORMAL: 16,
  BUSY: 17,
  CONGESTION: 34,
  NO_ANSWER: 19,
  TIMEOUT: 18,
  REJECTED: 21,
  UNALLOCATED: 1,
  NUMBER_INCOMPLETE: 28,
  CODEC_MISMATCH: 58,
  FAILURE: 38,
  ORIGINATOR_CANCEL: 16,
  LOSE_RACE: 26,
};

/** Q.850 code for a cause given as a name (any case), an ARI reason, or digits; undefined if unknown. */
export function causeCode(cause: string | number): number | undefined {
  if (typeof cause === 'number') return Number.isInteger(cause) && cause > 0 && cause < 128 ? cause : undefined;
  const trimmed = cause.trim();
  if (/^\d+$/.test(trimmed)) return causeCode(Number(trimmed));
  const key = trimmed.toUpperCase();
  return byName.get(key) ?? aliases[key];
}

/** Kazoo name of a Q.850 code (0 and unknown codes read as NORMAL_UNSPECIFIED / NORMAL_CLEARING like Kazoo does). */
export function causeName(code: number | undefined): string {
  if (code === undefined || code === 0) return 'NORMAL_CLEARING';
  return q850[code] ?? 'NORMAL_UNSPECIFIED';
}
