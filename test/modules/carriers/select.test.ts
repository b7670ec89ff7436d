// Carrier selection (lib/carriers/select.ts) and trunk objects (lib/carriers/pjsip.ts): table tests.
import { expect } from 'chai';
import { applyRules, formatForGateway, gatewayOf, selectAttempts } from '../../../lib/carriers/select.ts';
import { trunkDialString, trunkObjects, trunksOf } from '../../../lib/carriers/pjsip.ts';
import { hideGatewayPasswords, keepGatewayPasswords } from '../../../lib/carriers/secrets.ts';

const gw = (extra: Record<string, unknown> = {}) => ({ server: '10.0.0.1', ...extra });

describe('carriers: selection (table)', () => {
  const docs = [
    { _id: 'b', name: 'B', weight_cost: 20, gateways: [gw()], rules: ['^\\+1(\\d{10})$'] },
    { _id: 'a', name: 'A', weight_cost: 10, gateways: [gw({ prefix: '9' }), gw({ enabled: false })], rules: ['^\\+1(\\d{10})$', '^\\+44'] },
    { _id: 'e', name: 'E', emergency: true, gateways: [gw()] },
    { _id: 'off', name: 'Off', enabled: false, gateways: [gw()] },
    { _id: 'f', name: 'F', weight_cost: 5, flags: ['fax'], gateways: [gw()], cid_rules: ['^\\+1415'] },
  ];
  const cases: Array<[string, { number: string; callerIdNumber?: string; flags?: string[] }, string[]]> = [
    ['by weight, rule capture, prefix; disabled gateway and carrier skipped; flags-free carrier F still usable', { number: '+14155550100', callerIdNumber: '+14155550000' }, ['f/0:+14155550100', 'a/0:94155550100', 'b/0:4155550100']],
    ['cid_rules exclude F for another caller', { number: '+14155550100', callerIdNumber: '+12125550000' }, ['a/0:94155550100', 'b/0:4155550100']],
    ['rule without capture sends the whole number', { number: '+442079460000', callerIdNumber: '+1212' }, ['a/0:9+442079460000']],
    ['outbound flags must be on the carrier', { number: '+14155550100', callerIdNumber: '+14155550000', flags: ['fax'] }, ['f/0:+14155550100']],
    ['emergency numbers try emergency carriers first', { number: '911', callerIdNumber: '+1212' }, ['e/0:911']],
  ];
  for (const [what, req, want] of cases) {
    it(what, () => expect(selectAttempts(docs, req).map((a) => `${a.carrier.id}/${a.gatewayIndex}:${a.dialled}`)).to.deep.equal(want));
  }
  it('applyRules: no rules = as is; no match = undefined; bad regex skipped', () => {
    expect(applyRules([], '+1')).to.equal('+1');
    expect(applyRules(['^\\+44'], '+1')).to.equal(undefined);
    expect(applyRules(['(', '^\\+(1)'], '+1')).to.equal('1');
  });
  it('invite formats', () => {
    const g = (f: string) => gatewayOf({ server: 'x', invite_format: f, username: 'acct', suffix: '#' })!;
    expect(formatForGateway(g('npan'), 'r', '+14155550100')).to.equal('4155550100#');
    expect(formatForGateway(g('1npan'), 'r', '+14155550100')).to.equal('14155550100#');
    expect(formatForGateway(g('e164'), 'r', '+14155550100')).to.equal('+14155550100#');
    expect(formatForGateway(g('username'), 'r', '+14155550100')).to.equal('acct#');
    expect(formatForGateway(g('route'), 'r', '+14155550100')).to.equal('r#');
  });
});

describe('carriers: trunks and secrets (table)', () => {
  it('a gateway with credentials gets an outbound auth; from_domain with format_from_uri', () => {
    const t = trunkObjects('carrier-x-0', gatewayOf({ server: 'sip.example.com', port: 5080, username: 'u', password: 'p', realm: 'r.example' })!, { formatFromUri: true, fromUriRealm: 'acct.example' });
    expect(t.aor.contact).to.equal('sip:sip.example.com:5080');
    expect(t.auth).to.deep.include({ username: 'u', password: 'p', realm: 'r.example' });
    expect(t.endpoint).to.include({ outbound_auth: 'carrier-x-0', from_domain: 'acct.example', aors: 'carrier-x-0' });
    const open = trunkObjects('carrier-x-1', gatewayOf({ server: '10.0.0.1' })!, {});
    expect(open.auth).to.equal(undefined);
    expect(open.endpoint.outbound_auth).to.equal('');
  });
  it('disabled carriers and gateways have no trunks; odd ids none either', () => {
    expect(trunksOf({ _id: 'r1', enabled: false, gateways: [gw()] })).to.deep.equal([]);
    expect(trunksOf({ _id: 'r1', gateways: [gw({ enabled: false }), gw()] }).map((t) => t.id)).to.deep.equal(['carrier-r1-1']);
    expect(trunksOf({ _id: 'r/1', gateways: [gw()] })).to.deep.equal([]);
    expect(trunkDialString('carrier-r1-0', '+1415')).to.equal('PJSIP/+1415@carrier-r1-0');
    expect(trunkDialString('carrier-r1-0', '1;x')).to.equal(undefined);
  });
  it('passwords are hidden and kept across an edit of the same gateway', () => {
    const stored = { gateways: [{ server: 'a', username: 'u', password: 'p' }, { server: 'b' }] };
    expect(hideGatewayPasswords(stored)).to.deep.equal({ gateways: [{ server: 'a', username: 'u', has_password: true }, { server: 'b' }] });
    const edit = { gateways: [{ server: 'a', username: 'u', has_password: true }, { server: 'c', username: 'u' }] };
    keepGatewayPasswords(edit, stored);
    expect(edit.gateways).to.deep.equal([{ server: 'a', username: 'u', password: 'p' }, { server: 'c', username: 'u' }]);
  });
});
