// A tiny pivot server (plain Node, no dependencies) for ariflow's `pivot` callflow module.
//
//   PIVOT_SECRET=<GET /v2/accounts/{id}/pivot_secret> PORT=3000 node examples/pivot-server.js
//
// Kazoo JSON round trip:  /kazoo        → speak a prompt, collect one digit into "choice", pivot to /kazoo/choice
//                         /kazoo/choice → say the digit back (it arrives as Digits[choice]), then hang up
// TwiML round trip:       /twiml        → <Gather> with a <Say>; the digit goes to /twiml/choice
//                         /twiml/choice → <Say> it back
// With PIVOT_SECRET set, requests whose X-Ariflow-Signature does not verify are refused (401).
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const secret = process.env.PIVOT_SECRET;
const base = () => `http://${process.env.PUBLIC_HOST ?? `127.0.0.1:${server.address().port}`}`;

function verified(req, payload) {
  if (!secret) return true;
  const ts = Number(req.headers['x-ariflow-timestamp']);
  const given = Buffer.from(String(req.headers['x-ariflow-signature'] ?? ''));
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${ts}.${payload}`).digest('hex')}`);
  const fresh = Math.abs(Date.now() / 1000 - ts) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

const routes = {
  '/kazoo': () => ({
    module: 'tts',
    data: { text: 'Hello from the pivot server. Press a key.' },
    children: {
      _: {
        module: 'collect_dtmf',
        data: { max_digits: 1, collection_name: 'choice', timeout: 5000 },
        children: { _: { module: 'pivot', data: { voice_url: `${base()}/kazoo/choice`, req_format: 'kazoo', method: 'post' } } },
      },
    },
  }),
  '/kazoo/choice': (p) => ({
    module: 'tts',
    data: { text: p['Digits[choice]'] ? `You pressed ${p['Digits[choice]']}. Goodbye.` : 'You pressed nothing. Goodbye.' },
    children: { _: { module: 'hangup', data: {} } },
  }),
  '/twiml': () => '<Response><Gather action="/twiml/choice" numDigits="1"><Say>Hello from the pivot server. Press a key.</Say></Gather><Say>Nothing pressed. Goodbye.</Say></Response>',
  '/twiml/choice': (p) => `<Response><Say>You pressed ${Number(p.Digits) || 'star or pound'}. Goodbye.</Say></Response>`,
};

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const payload = req.method === 'POST' ? body : url.search.slice(1);
    if (!verified(req, payload)) return res.writeHead(401).end();
    const route = routes[url.pathname];
    if (!route) return res.writeHead(404).end();
    const params = Object.fromEntries(new URLSearchParams(payload));
    const answer = route(params);
    console.log(`${req.method} ${url.pathname} from call ${params['Call-ID'] ?? params.CallSid}`);
    if (typeof answer === 'string') res.writeHead(200, { 'Content-Type': 'text/xml' }).end(answer);
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
  });
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`pivot server listening on ${base()}`);
});
