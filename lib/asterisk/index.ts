// lib/asterisk: the only code in ariflow that speaks ARI (ari-client, the event websocket). Everything else
// uses the CallControl port (lib/callcontrol/port.ts) and what this file exports; a simulator replaces it.
export { AriConnection, connectAri, parseStasisArgs } from './connection.ts';
export type { AriConnectionOptions, ConnectedInfo, IncomingCall, OwnedChannelHandler } from './connection.ts';
export { AriCall } from './call.ts';
export { PjsipConfig } from './pjsip.ts';
export { StepLatency } from './step-latency.ts';
export type { EndpointContact, EndpointState, PjsipObjectType } from './pjsip.ts';
export { AriRequestError, AriUnreachableError } from './ari-errors.ts';
export { AriCredentialsError } from './rest.ts';
export type { AriRest } from './rest.ts';
export { causeCode, causeName } from './hangup-causes.ts';
export type { AriEvent, AriChannel, AriPlayback } from './ari-types.ts';
