// The module registry: every callflow module definition, looked up by Kazoo name or alias.
// Validation, the API's schema listing, the executor, the linter and the docs all read this map.
import type { ModuleDefinition } from '../lib/engine/module.ts';
import acdcAgent from './acdc_agent.ts';
import acdcMember from './acdc_member.ts';
import acdcQueue from './acdc_queue.ts';
import acdcWaitTime from './acdc_wait_time.ts';
import afterBridge from './after_bridge.ts';
import answer from './answer.ts';
import audioMacro from './audio_macro.ts';
import branchBnumber from './branch_bnumber.ts';
import branchVariable from './branch_variable.ts';
import callForward from './call_forward.ts';
import callWaiting from './call_waiting.ts';
import callflow from './callflow.ts';
import campingFeature from './camping_feature.ts';
import checkCid from './check_cid.ts';
import cidlistmatch from './cidlistmatch.ts';
import collectDtmf from './collect_dtmf.ts';
import conference from './conference.ts';
import conferenceFeature from './conference_feature.ts';
import deadAir from './dead_air.ts';
import device from './device.ts';
import dial from './dial.ts';
import directory from './directory.ts';
import disa from './disa.ts';
import doNotDisturb from './do_not_disturb.ts';
import dynamicCid from './dynamic_cid.ts';
import eavesdrop from './eavesdrop.ts';
import eavesdropFeature from './eavesdrop_feature.ts';
import edr from './edr.ts';
import faxDetect from './fax_detect.ts';
import faxbox from './faxbox.ts';
import flushDtmf from './flush_dtmf.ts';
import fn from './function.ts';
import group from './group.ts';
import groupPickup from './group_pickup.ts';
import groupPickupFeature from './group_pickup_feature.ts';
import hangup from './hangup.ts';
import hotdesk from './hotdesk.ts';
import intercept from './intercept.ts';
import interceptFeature from './intercept_feature.ts';
import intercom from './intercom.ts';
import language from './language.ts';
import lookupcidname from './lookupcidname.ts';
import manualPresence from './manual_presence.ts';
import menu from './menu.ts';
import missedCallAlert from './missed_call_alert.ts';
import move from './move.ts';
import nomorobo from './nomorobo.ts';
import noop from './noop.ts';
import notification from './notification.ts';
import offnet from './offnet.ts';
import pageGroup from './page_group.ts';
import park from './park.ts';
import pivot from './pivot.ts';
import play from './play.ts';
import prependCid from './prepend_cid.ts';
import privacy from './privacy.ts';
import receiveFax from './receive_fax.ts';
import recordCall from './record_call.ts';
import recordCaller from './record_caller.ts';
import resources from './resources.ts';
import response from './response.ts';
import responsiveRoute from './responsive_route.ts';
import ringGroup from './ring_group.ts';
import ringGroupToggle from './ring_group_toggle.ts';
import routeToCid from './route_to_cid.ts';
import rtb from './rtb.ts';
import sendDtmf from './send_dtmf.ts';
import setModule from './set.ts';
import setAlertInfo from './set_alert_info.ts';
import setCid from './set_cid.ts';
import setVariable from './set_variable.ts';
import setVariables from './set_variables.ts';
import skel from './skel.ts';
import sleep from './sleep.ts';
import tag from './tag.ts';
import tagRoute from './tag_route.ts';
import temporalRoute from './temporal_route.ts';
import transfer from './transfer.ts';
import tts from './tts.ts';
import user from './user.ts';
import voicemail from './voicemail.ts';
import waitForHangup from './wait_for_hangup.ts';
import webhook from './webhook.ts';
import zipRoute from './zip_route.ts';

/** ariflow's own modules, not in Kazoo: the call-tracking steps. Every other module is Kazoo's. */
export const ARIFLOW_MODULES: readonly string[] = ['dial', 'responsive_route', 'rtb', 'tag', 'tag_route', 'zip_route'];

/** Every module definition, one per file in this folder. */
export const definitions: readonly ModuleDefinition[] = [
  acdcAgent,
  acdcMember,
  acdcQueue,
  acdcWaitTime,
  afterBridge,
  answer,
  audioMacro,
  branchBnumber,
  branchVariable,
  callForward,
  callWaiting,
  callflow,
  campingFeature,
  checkCid,
  cidlistmatch,
  collectDtmf,
  conference,
  conferenceFeature,
  deadAir,
  device,
  dial,
  directory,
  disa,
  doNotDisturb,
  dynamicCid,
  eavesdrop,
  eavesdropFeature,
  edr,
  faxDetect,
  faxbox,
  flushDtmf,
  fn,
  group,
  groupPickup,
  groupPickupFeature,
  hangup,
  hotdesk,
  intercept,
  interceptFeature,
  intercom,
  language,
  lookupcidname,
  manualPresence,
  menu,
  missedCallAlert,
  move,
  nomorobo,
  noop,
  notification,
  offnet,
  pageGroup,
  park,
  pivot,
  play,
  prependCid,
  privacy,
  receiveFax,
  recordCall,
  recordCaller,
  resources,
  response,
  responsiveRoute,
  ringGroup,
  ringGroupToggle,
  routeToCid,
  rtb,
  sendDtmf,
  setModule,
  setAlertInfo,
  setCid,
  setVariable,
  setVariables,
  skel,
  sleep,
  tag,
  tagRoute,
  temporalRoute,
  transfer,
  tts,
  user,
  voicemail,
  waitForHangup,
  webhook,
  zipRoute,
];

/** Builds a name/alias → definition map; a name or alias claimed twice is a programming error. */
export function buildRegistry(defs: readonly ModuleDefinition[]): ReadonlyMap<string, ModuleDefinition> {
  const map = new Map<string, ModuleDefinition>();
  for (const def of defs) {
    for (const key of [def.name, ...(def.aliases ?? [])]) {
      const taken = map.get(key);
      if (taken) throw new Error(`callflow module key "${key}" is claimed by both ${taken.name} and ${def.name}`);
      map.set(key, def);
    }
  }
  return map;
}

export const registry: ReadonlyMap<string, ModuleDefinition> = buildRegistry(definitions);

/** Canonical module names (no aliases), sorted. */
export function moduleNames(): string[] {
  return definitions.map((d) => d.name).sort();
}

/** The definition for a name or alias; undefined when unknown (own keys only, never inherited ones). */
export function getModule(name: string): ModuleDefinition | undefined {
  return registry.get(name);
}
