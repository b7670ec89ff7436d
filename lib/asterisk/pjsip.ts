// Devices pushed into Asterisk at run time: PJSIP endpoint/auth/aor objects through ARI's dynamic
// configuration (sorcery `memory` wizard, see asterisk/etc/sorcery.conf), and an endpoint's registration state.
// Memory objects vanish when Asterisk restarts: push them again on every `connected` of the connection.
import { createHash } from 'node:crypto';
import type { ConfigTuple } from 'ari-client';
import { AriRequestError } from './ari-errors.ts';
import type { AriRest } from './rest.ts';

export type PjsipObjectType = 'endpoint' | 'auth' | 'aor';

export interface EndpointContact {
  /** The registered Contact URI. */
  uri: string;
  userAgent?: string;
  /** Where the REGISTER came from, `ip:port`. */
  source?: string;
  /** When the registration expires (ISO 8601). */
  expiresAt?: string;
}

export interface EndpointState {
  /** PJSIP endpoint id (the device's SIP username). */
  id: string;
  /** ARI's endpoint state: `online` once a contact is registered (and reachable), `offline`, or `unknown`. */
  state: string;
  /** Channels the endpoint has up now. */
  channelIds: string[];
  /** Registered contacts, when asked for ({ contacts: true }). */
  contacts?: EndpointContact[];
}

export class PjsipConfig {
  constructor(private readonly rest: AriRest) {}

  /**
   * Creates or updates (merging fields) one object: PUT /asterisk/config/dynamic/res_pjsip/{type}/{id}.
   * Resolves to every attribute of the object as Asterisk now has it. An endpoint's `auth`/`aors` should
   * name objects pushed before it. Unknown attributes or values: AriRequestError ("... failed field value validation").
   */
  async pushPjsipObject(type: PjsipObjectType, id: string, fields: Record<string, string>): Promise<Record<string, string>> {
    const tuples: ConfigTuple[] = Object.entries(fields).map(([attribute, value]) => ({ attribute, value }));
    const result = await this.rest.call(`config.updateObject res_pjsip/${type}/${id}`, (c) =>
      // ari-client wraps the list as {"fields": [...]}; its typings call it `Containers`.
      c.asterisk.updateObject({ configClass: 'res_pjsip', objectType: type, id, fields: tuples as unknown as Record<string, string> }),
    );
    return Object.fromEntries((result ?? []).map((t) => [t.attribute, t.value]));
  }

  /** Deletes one object; false if Asterisk did not have it. */
  async deletePjsipObject(type: PjsipObjectType, id: string): Promise<boolean> {
    try {
      await this.rest.call(`config.deleteObject res_pjsip/${type}/${id}`, (c) =>
        c.asterisk.deleteObject({ configClass: 'res_pjsip', objectType: type, id }),
      );
      return true;
    } catch (err) {
      if (err instanceof AriRequestError && err.notFound) return false;
      throw err;
    }
  }

  /** An object's attributes (also `contact` objects, id `<aor>;@<md5 of the contact URI>`), or undefined. */
  async getPjsipObject(type: PjsipObjectType | 'contact', id: string): Promise<Record<string, string> | undefined> {
    try {
      const tuples = await this.rest.call(`config.getObject res_pjsip/${type}/${id}`, (c) =>
        c.asterisk.getObject({ configClass: 'res_pjsip', objectType: type, id }),
      );
      return Object.fromEntries((tuples ?? []).map((t) => [t.attribute, t.value]));
    } catch (err) {
      if (err instanceof AriRequestError && err.notFound) return undefined;
      throw err;
    }
  }

  /**
   * GET /endpoints/PJSIP/{id}; undefined if there is no such endpoint. ARI's endpoint resource has no
   * contacts; with { contacts: true } they are read from the dynamic configuration: the endpoint's aors,
   * each aor's `contact` list, then each contact object (URI, user agent, source, expiry).
   */
  async getEndpointState(id: string, opts: { contacts?: boolean } = {}): Promise<EndpointState | undefined> {
    let ep;
    try {
      ep = await this.rest.call(`endpoints.get PJSIP/${id}`, (c) => c.endpoints.get({ tech: 'PJSIP', resource: id }));
    } catch (err) {
      if (err instanceof AriRequestError && err.notFound) return undefined;
      throw err;
    }
    const state: EndpointState = { id: ep.resource, state: ep.state ?? 'unknown', channelIds: [...(ep.channel_ids ?? [])] };
    if (opts.contacts) state.contacts = await this.contactsOf(id);
    return state;
  }

  private async contactsOf(endpointId: string): Promise<EndpointContact[]> {
    const endpoint = await this.getPjsipObject('endpoint', endpointId);
    const contacts: EndpointContact[] = [];
    for (const aor of splitList(endpoint?.aors)) {
      for (const uri of splitList((await this.getPjsipObject('aor', aor))?.contact)) {
        const contact: EndpointContact = { uri };
        // res_pjsip names a registered contact `<aor>;@<md5 of its URI>`.
        const obj = await this.getPjsipObject('contact', `${aor};@${createHash('md5').update(uri).digest('hex')}`);
        if (obj?.user_agent) contact.userAgent = obj.user_agent;
        if (obj?.via_addr) contact.source = obj.via_port && obj.via_port !== '0' ? `${obj.via_addr}:${obj.via_port}` : obj.via_addr;
        const exp = Number(obj?.expiration_time);
        if (Number.isFinite(exp) && exp > 0) contact.expiresAt = new Date(exp * 1000).toISOString();
        contacts.push(contact);
      }
    }
    return contacts;
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
