// Deterministic generator of Stripe-Signature test vectors, using Stripe's official Node SDK
// (`stripe` on npm) as the independent oracle for the verifier in src/Shared.
//
//   node generate.mjs [--out FILE]        (default: stripe-node-vectors.json beside this file)
//
// Every header is produced by Stripe.webhooks.generateTestHeaderString (or assembled from
// signatures it produced), and every vector records what Stripe.webhooks.constructEvent
// itself decides at the vector's clock (`receivedAt`). The expected outcome of OUR verifier
// (docs/architecture.md, "Signature verification") is computed by a small reference model below and
// must equal the SDK's verdict, except where a vector declares a `deliberateDifference`.
// Any disagreement that is not declared aborts with exit code 1.
//
// No Math.random, no Date.now: a seeded PRNG drives everything, so the output is byte-stable.

import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';

const HERE = dirname(fileURLToPath(import.meta.url));
const SEED = 0x5712_1b5e;
const DEFAULT_TOLERANCE = 300;

// ---------------------------------------------------------------------------------------
// command line

let outFile = resolve(HERE, 'stripe-node-vectors.json');
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out' && i + 1 < args.length) outFile = resolve(args[++i]);
    else fail(`unknown argument: ${args[i]} (usage: node generate.mjs [--out FILE])`);
  }
}

function fail(message) {
  console.error(`generate.mjs: ${message}`);
  process.exit(1);
}

const stripeVersion = JSON.parse(
  readFileSync(resolve(HERE, 'node_modules/stripe/package.json'), 'utf8'),
).version;
const pinned = JSON.parse(readFileSync(resolve(HERE, 'package.json'), 'utf8')).dependencies.stripe;
if (stripeVersion !== pinned) {
  fail(`installed stripe ${stripeVersion} != pinned ${pinned}; run npm ci`);
}

// ---------------------------------------------------------------------------------------
// seeded PRNG (sfc32): integer-only arithmetic, identical on every platform

function sfc32(a, b, c, d) {
  return function next() {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

const next32 = sfc32(SEED, 0x9e3779b9, 0x243f6a88, 0xb7e15162);
for (let i = 0; i < 32; i++) next32(); // warm up

/** uniform integer in [lo, hi] (inclusive) */
function int(lo, hi) {
  const span = hi - lo + 1;
  if (span <= 0 || span > 0x1_0000_0000) throw new Error(`bad range ${lo}..${hi}`);
  // rejection sampling: no modulo bias
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % span);
  let x;
  do x = next32(); while (x >= limit);
  return lo + (x % span);
}
const pick = (arr) => arr[int(0, arr.length - 1)];
const bool = () => int(0, 1) === 1;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const str = (alphabet, n) => Array.from({ length: n }, () => pick(alphabet)).join('');
const alnum = (n) => str(ALNUM, n);
const hex = (n) => str(HEX, n);
const secret = () => `whsec_${alnum(32)}`;
const clock = () => int(1_700_000_000, 1_800_000_000);

// ---------------------------------------------------------------------------------------
// realistic event bodies (with non-ASCII text, different JSON layouts, large bodies)

const NAMES_ASCII = ['Jenny Rosen', 'Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson'];
const NAMES_UNICODE = [
  'Zoë Ångström', '山田 太郎', 'Øyvind Ølstad', 'José Müller-Lüdenscheidt', 'Владимир Набоков',
  'عبد الله', 'Ελένη Παπαδοπούλου', 'Nguyễn Thị Minh Khai', '김민준', 'François Œuvre',
  'Łukasz Żółć', 'שרה כהן', 'Ṁåŗïå ﬁ ŀĳ',
];
const TEXT_UNICODE = [
  'Pro plan — monthly', 'Abonnement « Équipe »', 'プロプラン（月額）', 'Premium 🎉🚀 upgrade',
  'Größenänderung: 10 → 20 Plätze', 'naïve café ☕ résumé', '€ 12,50 inkl. MwSt.', 'Ω ≈ ç √ ∫ ∞',
  'emoji ZWJ 👩‍👩‍👧‍👦 family', 'combining: e\u0301 a\u0308 n\u0303', '数据分析 · 企业版', '“quotes” ‘single’ …',
];
const TEXT_ASCII = ['Pro plan', 'Team plan (annual)', 'Seat add-on', 'Usage: 1,024 API calls', 'Starter'];
const TYPES = [
  'checkout.session.completed', 'customer.subscription.created', 'customer.subscription.updated',
  'customer.subscription.deleted', 'invoice.paid', 'invoice.payment_failed',
];

function eventObject({ created, unicode, type = pick(TYPES) }) {
  const name = unicode ? pick(NAMES_UNICODE) : pick(NAMES_ASCII);
  const text = unicode ? pick(TEXT_UNICODE) : pick(TEXT_ASCII);
  const customer = `cus_${alnum(14)}`;
  const subscription = `sub_${alnum(24)}`;
  const periodEnd = created + int(1, 31) * 86_400;
  let object;
  if (type.startsWith('checkout.')) {
    object = {
      id: `cs_test_${alnum(58)}`,
      object: 'checkout.session',
      amount_total: int(100, 99_999),
      client_reference_id: `user_${alnum(10)}`,
      currency: pick(['usd', 'eur', 'jpy', 'gbp']),
      customer,
      customer_details: { email: `${alnum(8).toLowerCase()}@example.com`, name },
      metadata: { user_id: `user_${alnum(10)}`, note: text },
      mode: 'subscription',
      payment_status: 'paid',
      status: 'complete',
      subscription,
    };
  } else if (type.startsWith('customer.subscription.')) {
    object = {
      id: subscription,
      object: 'subscription',
      cancel_at_period_end: bool(),
      customer,
      description: text,
      items: {
        object: 'list',
        data: [{
          id: `si_${alnum(14)}`,
          object: 'subscription_item',
          current_period_end: periodEnd,
          current_period_start: created,
          price: { id: `price_${alnum(24)}`, object: 'price', nickname: text, unit_amount: int(100, 50_000) },
          quantity: int(1, 50),
        }],
        has_more: false,
      },
      metadata: { user_id: `user_${alnum(10)}`, display_name: name },
      status: type.endsWith('deleted') ? 'canceled' : pick(['active', 'trialing', 'past_due', 'unpaid']),
    };
  } else {
    object = {
      id: `in_${alnum(24)}`,
      object: 'invoice',
      amount_due: int(100, 99_999),
      customer,
      customer_name: name,
      description: text,
      lines: { object: 'list', data: [], has_more: false },
      parent: { subscription_details: { subscription }, type: 'subscription_details' },
      status: type.endsWith('paid') ? 'paid' : 'open',
    };
  }
  return {
    id: `evt_${alnum(24)}`,
    object: 'event',
    api_version: '2025-03-31.basil',
    created,
    data: { object },
    livemode: false,
    pending_webhooks: int(1, 3),
    request: bool()
      ? { id: null, idempotency_key: null }
      : { id: `req_${alnum(14)}`, idempotency_key: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}` },
    type,
  };
}

/** JSON text with every non-ASCII UTF-16 unit written as a \uXXXX escape (an all-ASCII body) */
function asciiEscaped(json) {
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const LAYOUTS = ['stripe', 'stripe', 'compact', 'pretty_no_newline', 'crlf', 'tabs'];

function layout(obj, style) {
  switch (style) {
    case 'stripe': return `${JSON.stringify(obj, null, 2)}\n`; // what Stripe sends
    case 'compact': return JSON.stringify(obj);
    case 'pretty_no_newline': return JSON.stringify(obj, null, 2);
    case 'crlf': return `${JSON.stringify(obj, null, 2).replace(/\n/g, '\r\n')}\r\n`;
    case 'tabs': return `${JSON.stringify(obj, null, '\t')}\n`;
    case 'escaped': return `${asciiEscaped(JSON.stringify(obj, null, 2))}\n`;
    default: throw new Error(`unknown layout ${style}`);
  }
}

function body({ created, unicode = bool(), style = pick(LAYOUTS), type } = {}) {
  return layout(eventObject({ created, unicode, type }), style);
}

/** an invoice event padded with line items until its UTF-8 size reaches minBytes */
function largeBody({ created, minBytes, unicode }) {
  const event = eventObject({ created, unicode, type: pick(['invoice.paid', 'invoice.payment_failed']) });
  const lines = event.data.object.lines.data;
  let size = Buffer.byteLength(JSON.stringify(event, null, 2));
  while (size < minBytes) {
    const line = {
      id: `il_${alnum(24)}`,
      object: 'line_item',
      amount: int(1, 99_999),
      currency: 'eur',
      description: unicode ? `${pick(TEXT_UNICODE)} · ${pick(NAMES_UNICODE)}` : pick(TEXT_ASCII),
      period: { end: created + 86_400 * 30, start: created },
      quantity: int(1, 1000),
    };
    lines.push(line);
    // the item sits 5 levels deep (10 spaces of extra indent per line), plus ",\n"
    const text = JSON.stringify(line, null, 2);
    size += Buffer.byteLength(text) + 10 * text.split('\n').length + 2;
  }
  const json = `${JSON.stringify(event, null, 2)}\n`;
  const actual = Buffer.byteLength(json);
  if (actual < minBytes || actual > minBytes + 4096) throw new Error(`large body is ${actual} bytes, wanted ~${minBytes}`);
  return json;
}

// ---------------------------------------------------------------------------------------
// signing with the official SDK

const sdkCrypto = Stripe.createNodeCryptoProvider();

/** header exactly as Stripe.webhooks.generateTestHeaderString produces it */
function sdkHeader(payload, key, t, scheme = 'v1') {
  if (!(Number.isInteger(t) && t > 0)) throw new Error(`timestamp must be a positive integer: ${t}`);
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: key, timestamp: t, scheme });
}

/** the bare signature value the SDK puts into its header */
function sdkSig(payload, key, t, scheme = 'v1') {
  const h = sdkHeader(payload, key, t, scheme);
  const prefix = `t=${t},${scheme}=`;
  if (!h.startsWith(prefix)) throw new Error(`unexpected SDK header layout: ${h}`);
  return h.slice(prefix.length);
}

// ---------------------------------------------------------------------------------------
// what the SDK decides (one secret at a time; our verifier takes a list, newest first)

const SDK_MESSAGES = [
  ['No stripe-signature header value was provided.', 'missing_signature'],
  ['Unable to extract timestamp and signatures from header', 'malformed_signature'],
  ['No signatures found with expected scheme', 'malformed_signature'],
  ['No signatures found matching the expected signature for payload.', 'invalid_signature'],
  ['Timestamp outside the tolerance zone', 'timestamp_out_of_tolerance'],
];

function firstLine(message) {
  return String(message).split('\n')[0].trim();
}

function mapSdkError(line) {
  for (const [prefix, name] of SDK_MESSAGES) if (line.startsWith(prefix)) return name;
  return null;
}

// Plain errors (not StripeSignatureVerificationError) the SDK is known to throw for some
// headers. They reject the request but name no reason, so they map to none of our names:
// a vector that meets one must declare a deliberateDifference.
const SDK_PLAIN_ERRORS = ['secureCompare must receive two arguments'];

function sdkRejection(e) {
  const line = firstLine(e?.message);
  if (e?.type === 'StripeSignatureVerificationError' || SDK_PLAIN_ERRORS.includes(line)) return `error: ${line}`;
  throw e; // anything else is a bug in this generator, not a verdict
}

function sdkVerdictOne(payload, header, key, tolerance, now) {
  const receivedAtMs = now * 1000; // the SDK takes receivedAt in milliseconds
  const raw = Buffer.from(payload, 'utf8'); // what an HTTP server hands over: the raw bytes
  let viaConstructEvent;
  try {
    Stripe.webhooks.constructEvent(raw, header, key, tolerance, undefined, receivedAtMs);
    viaConstructEvent = 'valid';
  } catch (e) {
    viaConstructEvent = sdkRejection(e);
  }
  // cross-check with the lower-level API on the payload string
  let viaVerifyHeader;
  try {
    Stripe.webhooks.signature.verifyHeader(payload, header, key, tolerance, sdkCrypto, receivedAtMs);
    viaVerifyHeader = 'valid';
  } catch (e) {
    viaVerifyHeader = sdkRejection(e);
  }
  if (viaConstructEvent !== viaVerifyHeader) {
    throw new Error(`constructEvent (${viaConstructEvent}) != verifyHeader (${viaVerifyHeader})`);
  }
  return viaConstructEvent;
}

/**
 * The SDK verdict for a list of secrets: valid if any secret verifies (index = first such);
 * otherwise a tolerance error if some secret matched the signature; otherwise the error
 * every secret gave (they must all map to the same name).
 */
function sdkVerdict(v) {
  const results = v.secrets.map((key) => sdkVerdictOne(v.payload, v.header, key, v.tolerance, v.now));
  const validIndex = results.indexOf('valid');
  if (validIndex >= 0) return { stripeNode: 'valid', mapped: 'valid', index: validIndex };
  const mapped = results.map((r) => mapSdkError(r.slice('error: '.length)));
  const plain = mapped.indexOf(null);
  if (plain >= 0) return { stripeNode: results[plain], mapped: null, index: undefined };
  const tol = mapped.indexOf('timestamp_out_of_tolerance');
  if (tol >= 0) return { stripeNode: results[tol], mapped: mapped[tol], index: undefined };
  if (new Set(mapped).size !== 1) throw new Error(`secrets disagree: ${JSON.stringify(results)}`);
  return { stripeNode: results[0], mapped: mapped[0], index: undefined };
}

// ---------------------------------------------------------------------------------------
// reference model of OUR verifier (docs/architecture.md, "Signature verification"), independent of the SDK

function modelVerdict(v) {
  if (v.header === '') return { expected: 'missing_signature' };
  let t = null;
  const v1 = [];
  for (const item of v.header.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (key === 't') t = /^[0-9]+$/.test(value) ? value : null;
    else if (key === 'v1') v1.push(value);
  }
  if (t === null || v1.length === 0) return { expected: 'malformed_signature' };
  const signed = Buffer.concat([Buffer.from(`${t}.`, 'utf8'), Buffer.from(v.payload, 'utf8')]);
  const index = v.secrets.findIndex((key) => {
    const mac = createHmac('sha256', Buffer.from(key, 'utf8')).update(signed).digest('hex');
    return v1.includes(mac);
  });
  if (index < 0) return { expected: 'invalid_signature' };
  if (Math.abs(v.now - Number(t)) > v.tolerance) return { expected: 'timestamp_out_of_tolerance' };
  return { expected: 'valid', index };
}

// ---------------------------------------------------------------------------------------
// vector assembly

const vectors = [];
const names = new Set();

/**
 * spec: { name, payload, header, secrets, now, tolerance?, expected (intent), secretIndex?,
 *         deliberateDifference? }
 */
function add(spec) {
  const v = {
    name: spec.name,
    payload: spec.payload,
    header: spec.header,
    secrets: spec.secrets,
    now: spec.now,
    tolerance: spec.tolerance ?? DEFAULT_TOLERANCE,
  };
  const where = `vector ${v.name}`;
  if (names.has(v.name)) fail(`${where}: duplicate name`);
  names.add(v.name);
  if (/[\r\n\0]/.test(v.header) || /[^\x20-\x7e]/.test(v.header)) fail(`${where}: header is not a visible-ASCII field value`);
  if (Buffer.from(Buffer.from(v.payload, 'utf8').toString('utf8'), 'utf8').compare(Buffer.from(v.payload, 'utf8')) !== 0
      || /[\ud800-\udfff]/u.test(v.payload)) fail(`${where}: payload is not well-formed Unicode`);
  if (!(v.secrets.length >= 1 && v.tolerance > 0)) fail(`${where}: needs >= 1 secret and tolerance > 0`);

  const sdk = sdkVerdict(v);
  const model = modelVerdict(v);
  if (model.expected !== spec.expected) {
    fail(`${where}: intended ${spec.expected}, reference model says ${model.expected}`);
  }
  if (spec.deliberateDifference) {
    if (sdk.mapped === model.expected) {
      fail(`${where}: declares a deliberate difference but the SDK agrees (${sdk.stripeNode})`);
    }
  } else if (sdk.mapped === null) {
    fail(`${where}: SDK says "${sdk.stripeNode}", which maps to none of our error names; not a declared difference`);
  } else if (sdk.mapped !== model.expected) {
    fail(`${where}: SDK says "${sdk.stripeNode}" (${sdk.mapped}), we expect ${model.expected}; not a declared difference`);
  }
  if (spec.deliberateDifference === EMPTY_V1 && sdk.stripeNode === 'valid') {
    fail(`${where}: the SDK accepted an empty v1`);
  }
  if (model.expected === 'valid') {
    if (spec.secretIndex !== undefined && spec.secretIndex !== model.index) {
      fail(`${where}: intended secret ${spec.secretIndex}, model matched ${model.index}`);
    }
    if (sdk.mapped === 'valid' && sdk.index !== model.index) {
      fail(`${where}: SDK matched secret ${sdk.index}, model ${model.index}`);
    }
  }

  v.stripeNode = sdk.stripeNode;
  v.expected = model.expected;
  if (model.expected === 'valid') v.expectedSecretIndex = model.index;
  if (spec.deliberateDifference) v.deliberateDifference = spec.deliberateDifference;
  vectors.push(v);
}

/** add n variations of one case; make(i) returns the spec without its name */
function cases(prefix, n, make) {
  for (let i = 1; i <= n; i++) add({ name: `${prefix}_${String(i).padStart(2, '0')}`, ...make(i) });
}

/** `count` distinct secrets */
function secrets(count) {
  return Array.from({ length: count }, secret);
}

const FUTURE = 'future timestamps are rejected by design (the Stripe Node SDK only rejects timestamps too far in the past)';
const EMPTY_V1 = 'an empty v1 value is a signature that matches nothing: invalid_signature by design '
  + '(the Stripe Node SDK rejects it too, but with a plain Error from secureCompare, not a signature verification error)';
const NON_INTEGER_T = 't must be an unsigned integer of ASCII digits by design (the Stripe Node SDK reads t with parseInt)';

// --- the official vector (stripe-dotnet's event_test_signature.json) ----------------------

{
  // A byte-for-byte copy of stripe-dotnet's fixture lives beside the C# tests, so a clone needs nothing else.
  const dir = process.env.STRIPE_FIXTURES_DIR ?? resolve(HERE, '../StripeWebhooks.Tests/Signatures');
  const file = resolve(dir, 'event_test_signature.json');
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    fail(`cannot read the official fixture ${file} (set STRIPE_FIXTURES_DIR): ${e.message}`);
  }
  const payload = bytes.toString('utf8');
  if (bytes.length !== 484 || Buffer.compare(Buffer.from(payload, 'utf8'), bytes) !== 0) {
    fail(`${file}: expected Stripe's exact 484 bytes, got ${bytes.length}`);
  }
  const t = 1533204620;
  const key = 'webhook_secret';
  const header = sdkHeader(payload, key, t);
  const official = 't=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7';
  if (header !== official) fail(`SDK header for the official vector is ${header}, expected ${official}`);
  const base = { payload, header, secrets: [key] };
  add({ name: 'official_at_t', ...base, now: t, expected: 'valid', secretIndex: 0 });
  add({ name: 'official_now_plus_300', ...base, now: t + 300, expected: 'valid', secretIndex: 0 });
  add({ name: 'official_now_plus_301', ...base, now: t + 301, expected: 'timestamp_out_of_tolerance' });
  add({ name: 'official_now_minus_300', ...base, now: t - 300, expected: 'valid', secretIndex: 0 });
  add({
    name: 'official_now_minus_301', ...base, now: t - 301,
    expected: 'timestamp_out_of_tolerance', deliberateDifference: FUTURE,
  });
  add({
    name: 'official_trailing_newline_stripped', ...base, payload: payload.replace(/\n$/, ''), now: t,
    expected: 'invalid_signature',
  });
  add({
    name: 'official_second_secret', ...base, secrets: [secret(), key], now: t + 17,
    expected: 'valid', secretIndex: 1,
  });
}

// --- valid ---------------------------------------------------------------------------------

cases('valid', 12, () => {
  const now = clock();
  const t = now - int(0, 299);
  const keys = secrets(int(1, 3));
  const idx = int(0, keys.length - 1);
  const payload = body({ created: t - int(0, 5) });
  return { payload, header: sdkHeader(payload, keys[idx], t), secrets: keys, now, expected: 'valid', secretIndex: idx };
});

cases('valid_unicode', 6, () => {
  const now = clock();
  const t = now - int(0, 120);
  const keys = secrets(1);
  const payload = body({ created: t, unicode: true, style: pick(['stripe', 'compact', 'crlf']) });
  return { payload, header: sdkHeader(payload, keys[0], t), secrets: keys, now, expected: 'valid', secretIndex: 0 };
});

cases('valid_unicode_escaped', 3, () => {
  const now = clock();
  const t = now - int(0, 120);
  const keys = secrets(1);
  const payload = body({ created: t, unicode: true, style: 'escaped' });
  return { payload, header: sdkHeader(payload, keys[0], t), secrets: keys, now, expected: 'valid', secretIndex: 0 };
});

cases('valid_unicode_nfd', 2, () => {
  // combining sequences (NFD) must be signed and verified as sent, never normalised
  const now = clock();
  const t = now - int(0, 120);
  const keys = secrets(1);
  const payload = body({ created: t, unicode: true, style: 'stripe' }).normalize('NFD');
  return { payload, header: sdkHeader(payload, keys[0], t), secrets: keys, now, expected: 'valid', secretIndex: 0 };
});

for (const [name, minBytes, unicode] of [['valid_large_64k', 64 * 1024, false], ['valid_large_300k_unicode', 300 * 1024, true]]) {
  const now = clock();
  const t = now - int(0, 60);
  const keys = secrets(2);
  const payload = largeBody({ created: t, minBytes, unicode });
  add({ name, payload, header: sdkHeader(payload, keys[1], t), secrets: keys, now, expected: 'valid', secretIndex: 1 });
}

cases('valid_other_tolerance', 6, (i) => {
  const now = clock();
  const tolerance = [1, 10, 60, 600, 3600, 86_400][i - 1];
  const t = now - int(0, tolerance);
  const keys = secrets(1);
  const payload = body({ created: t });
  return { payload, header: sdkHeader(payload, keys[0], t), secrets: keys, now, tolerance, expected: 'valid', secretIndex: 0 };
});

cases('valid_t_after_v1', 2, () => {
  const now = clock();
  const t = now - int(0, 299);
  const keys = secrets(1);
  const payload = body({ created: t });
  return { payload, header: `v1=${sdkSig(payload, keys[0], t)},t=${t}`, secrets: keys, now, expected: 'valid', secretIndex: 0 };
});

// --- wrong secret / wrong signature ----------------------------------------------------------

cases('wrong_secret', 6, (i) => {
  const now = clock();
  const t = now - int(0, 299);
  const payload = body({ created: t });
  return { payload, header: sdkHeader(payload, secret(), t), secrets: secrets(2 - (i % 2)), now, expected: 'invalid_signature' };
});

cases('wrong_secret_whsec_prefix_only', 2, () => {
  // the key is the whole secret string: signing with only the part after whsec_ must not verify
  const now = clock();
  const t = now - int(0, 299);
  const key = secret();
  const payload = body({ created: t });
  return { payload, header: sdkHeader(payload, key.slice('whsec_'.length), t), secrets: [key], now, expected: 'invalid_signature' };
});

cases('signature_uppercase_hex', 2, () => {
  const now = clock();
  const t = now - int(0, 299);
  const keys = secrets(1);
  const payload = body({ created: t });
  return { payload, header: `t=${t},v1=${sdkSig(payload, keys[0], t).toUpperCase()}`, secrets: keys, now, expected: 'invalid_signature' };
});

cases('signature_truncated', 2, () => {
  const now = clock();
  const t = now - int(0, 299);
  const keys = secrets(1);
  const payload = body({ created: t });
  return { payload, header: `t=${t},v1=${sdkSig(payload, keys[0], t).slice(0, int(8, 63))}`, secrets: keys, now, expected: 'invalid_signature' };
});

cases('signature_for_other_timestamp', 3, () => {
  const now = clock();
  const t = now - int(0, 200);
  const keys = secrets(1);
  const payload = body({ created: t });
  const signedAt = t + pick([-1, 1, -60]);
  return { payload, header: `t=${t},v1=${sdkSig(payload, keys[0], signedAt)}`, secrets: keys, now, expected: 'invalid_signature' };
});

cases('invalid_signature_and_stale', 3, () => {
  // signature is checked before the timestamp: a bad signature on a stale event is invalid_signature
  const now = clock();
  const t = now - int(301, 100_000);
  const payload = body({ created: t });
  return { payload, header: sdkHeader(payload, secret(), t), secrets: secrets(1), now, expected: 'invalid_signature' };
});

cases('invalid_signature_and_future', 2, () => {
  const now = clock();
  const t = now + int(301, 100_000);
  const payload = body({ created: t });
  return { payload, header: sdkHeader(payload, secret(), t), secrets: secrets(1), now, expected: 'invalid_signature' };
});

// --- rotation: one v1 per live secret ----------------------------------------------------------

function rotation() {
  const now = clock();
  const t = now - int(0, 299);
  const [newKey, oldKey] = secrets(2);
  const payload = body({ created: t });
  return { now, t, newKey, oldKey, payload, sNew: sdkSig(payload, newKey, t), sOld: sdkSig(payload, oldKey, t) };
}

cases('rotation_old_then_new_both_configured', 3, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sOld},v1=${r.sNew}`, secrets: [r.newKey, r.oldKey], now: r.now, expected: 'valid', secretIndex: 0 };
});
cases('rotation_new_then_old_both_configured', 3, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sNew},v1=${r.sOld}`, secrets: [r.newKey, r.oldKey], now: r.now, expected: 'valid', secretIndex: 0 };
});
cases('rotation_old_then_new_new_configured', 2, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sOld},v1=${r.sNew}`, secrets: [r.newKey], now: r.now, expected: 'valid', secretIndex: 0 };
});
cases('rotation_new_then_old_new_configured', 2, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sNew},v1=${r.sOld}`, secrets: [r.newKey], now: r.now, expected: 'valid', secretIndex: 0 };
});
cases('rotation_old_then_new_old_configured', 2, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sOld},v1=${r.sNew}`, secrets: [r.oldKey], now: r.now, expected: 'valid', secretIndex: 0 };
});
cases('rotation_new_then_old_old_configured', 2, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sNew},v1=${r.sOld}`, secrets: [r.oldKey], now: r.now, expected: 'valid', secretIndex: 0 };
});
cases('rotation_only_old_signature_both_configured', 3, () => {
  // only the old secret's signature (e.g. sent before Stripe started signing with the new one)
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sOld}`, secrets: [r.newKey, r.oldKey], now: r.now, expected: 'valid', secretIndex: 1 };
});
cases('rotation_only_new_signature_both_configured', 2, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sNew}`, secrets: [r.newKey, r.oldKey], now: r.now, expected: 'valid', secretIndex: 0 };
});
cases('rotation_only_old_signature_new_configured', 2, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sOld}`, secrets: [r.newKey], now: r.now, expected: 'invalid_signature' };
});
cases('rotation_neither_configured', 2, () => {
  const r = rotation();
  return { payload: r.payload, header: `t=${r.t},v1=${r.sOld},v1=${r.sNew}`, secrets: secrets(2), now: r.now, expected: 'invalid_signature' };
});
cases('rotation_stale', 2, () => {
  const r = rotation();
  const now = r.t + 301 + int(0, 5000);
  return { payload: r.payload, header: `t=${r.t},v1=${r.sNew},v1=${r.sOld}`, secrets: [r.newKey, r.oldKey], now, expected: 'timestamp_out_of_tolerance' };
});
cases('rotation_stale_old_secret_only_match', 2, () => {
  const r = rotation();
  const now = r.t + 301 + int(0, 5000);
  return { payload: r.payload, header: `t=${r.t},v1=${r.sOld}`, secrets: [r.newKey, r.oldKey], now, expected: 'timestamp_out_of_tolerance' };
});

// --- timestamp tolerance -------------------------------------------------------------------

function signedAtOffset(offset, tolerance) {
  const now = clock();
  const t = now + offset;
  const keys = secrets(1);
  const payload = body({ created: t });
  return { payload, header: sdkHeader(payload, keys[0], t), secrets: keys, now, tolerance };
}
const tolPick = (i) => (i === 1 ? DEFAULT_TOLERANCE : pick([DEFAULT_TOLERANCE, DEFAULT_TOLERANCE, 60, 600]));

cases('past_exactly_at_tolerance', 4, (i) => {
  const tol = tolPick(i);
  return { ...signedAtOffset(-tol, tol), expected: 'valid', secretIndex: 0 };
});
cases('past_just_inside_tolerance', 4, (i) => {
  const tol = tolPick(i);
  return { ...signedAtOffset(-(tol - 1), tol), expected: 'valid', secretIndex: 0 };
});
cases('past_just_outside_tolerance', 4, (i) => {
  const tol = tolPick(i);
  return { ...signedAtOffset(-(tol + 1), tol), expected: 'timestamp_out_of_tolerance' };
});
cases('past_far_outside_tolerance', 3, () => ({
  ...signedAtOffset(-int(3_600, 30 * 86_400), DEFAULT_TOLERANCE), expected: 'timestamp_out_of_tolerance',
}));
cases('future_exactly_at_tolerance', 3, (i) => {
  const tol = tolPick(i);
  return { ...signedAtOffset(tol, tol), expected: 'valid', secretIndex: 0 };
});
cases('future_just_inside_tolerance', 3, (i) => {
  const tol = tolPick(i);
  return { ...signedAtOffset(tol - 1, tol), expected: 'valid', secretIndex: 0 };
});
cases('future_just_outside_tolerance', 4, (i) => {
  const tol = tolPick(i);
  return { ...signedAtOffset(tol + 1, tol), expected: 'timestamp_out_of_tolerance', deliberateDifference: FUTURE };
});
cases('future_far_outside_tolerance', 2, () => ({
  ...signedAtOffset(int(3_600, 30 * 86_400), DEFAULT_TOLERANCE), expected: 'timestamp_out_of_tolerance', deliberateDifference: FUTURE,
}));

// --- malformed / missing headers -------------------------------------------------------------

function signedParts() {
  const now = clock();
  const t = now - int(0, 299);
  const keys = secrets(1);
  const payload = body({ created: t });
  return { now, t, keys, payload, sig: sdkSig(payload, keys[0], t) };
}

cases('v0_only', 3, () => {
  const p = signedParts();
  return { payload: p.payload, header: sdkHeader(p.payload, p.keys[0], p.t, 'v0'), secrets: p.keys, now: p.now, expected: 'malformed_signature' };
});
cases('other_scheme_only', 2, (i) => {
  const p = signedParts();
  const scheme = ['v2', 'V1'][i - 1];
  return { payload: p.payload, header: sdkHeader(p.payload, p.keys[0], p.t, scheme), secrets: p.keys, now: p.now, expected: 'malformed_signature' };
});
cases('no_t', 3, (i) => {
  const p = signedParts();
  const header = [`v1=${p.sig}`, `v1=${p.sig},v0=${hex(64)}`, `T=${p.t},v1=${p.sig}`][i - 1];
  return { payload: p.payload, header, secrets: p.keys, now: p.now, expected: 'malformed_signature' };
});
cases('t_non_numeric', 4, (i) => {
  const p = signedParts();
  const bad = ['abc', '', 'NaN', 'x1700000000'][i - 1];
  return {
    payload: p.payload, header: `t=${bad},v1=${p.sig}`, secrets: p.keys, now: p.now,
    expected: 'malformed_signature', deliberateDifference: NON_INTEGER_T,
  };
});
cases('t_non_numeric_signed_as_nan', 2, (i) => {
  // the SDK computes HMAC("NaN." + body) for a non-numeric t and then skips the age check
  const p = signedParts();
  const bad = ['abc', 'now'][i - 1];
  const sig = sdkCrypto.computeHMACSignature(`NaN.${p.payload}`, p.keys[0]);
  return {
    payload: p.payload, header: `t=${bad},v1=${sig}`, secrets: p.keys, now: p.now,
    expected: 'malformed_signature', deliberateDifference: NON_INTEGER_T,
  };
});
cases('t_trailing_garbage', 2, (i) => {
  const p = signedParts();
  const suffix = ['abc', '.5'][i - 1];
  return {
    payload: p.payload, header: `t=${p.t}${suffix},v1=${p.sig}`, secrets: p.keys, now: p.now,
    expected: 'malformed_signature', deliberateDifference: NON_INTEGER_T,
  };
});
cases('no_v1', 3, (i) => {
  const p = signedParts();
  const header = [`t=${p.t}`, `t=${p.t},v2=${p.sig}`, `t=${p.t},V1=${p.sig}`][i - 1];
  return { payload: p.payload, header, secrets: p.keys, now: p.now, expected: 'malformed_signature' };
});
cases('empty_header', 2, () => {
  const p = signedParts();
  return { payload: p.payload, header: '', secrets: p.keys, now: p.now, expected: 'missing_signature' };
});
cases('garbage_header', 6, (i) => {
  const p = signedParts();
  const header = [
    'garbage',
    alnum(int(10, 80)),
    `t${p.t}v1${p.sig}`,
    `${p.t},${p.sig}`,
    `{"t":${p.t},"v1":"${p.sig}"}`,
    `t=${p.t};v1=${p.sig}`,
  ][i - 1];
  return { payload: p.payload, header, secrets: p.keys, now: p.now, expected: 'malformed_signature' };
});
cases('v1_empty', 3, (i) => {
  const p = signedParts();
  const header = [`t=${p.t},v1=`, `t=${p.t},v1=,v0=${p.sig}`, `v1=,t=${p.t}`][i - 1];
  return { payload: p.payload, header, secrets: p.keys, now: p.now, expected: 'invalid_signature', deliberateDifference: EMPTY_V1 };
});

// --- body changed after signing ---------------------------------------------------------------

/** replace one ASCII byte (not the first or last char) with a different printable ASCII byte */
function flipOneByte(payload, from = 1) {
  let idx;
  do idx = int(from, payload.length - 2); while (payload.charCodeAt(idx) > 0x7e || payload.charCodeAt(idx) < 0x20);
  let c;
  do c = String.fromCharCode(int(0x20, 0x7e)); while (c === payload[idx]);
  return payload.slice(0, idx) + c + payload.slice(idx + 1);
}

cases('body_one_byte_changed', 6, (i) => {
  const p = signedParts();
  const payload = i <= 2 ? body({ created: p.t, unicode: true }) : p.payload;
  const header = sdkHeader(payload, p.keys[0], p.t);
  return { payload: flipOneByte(payload), header, secrets: p.keys, now: p.now, expected: 'invalid_signature' };
});
{
  const p = signedParts();
  const payload = largeBody({ created: p.t, minBytes: 64 * 1024, unicode: false });
  const header = sdkHeader(payload, p.keys[0], p.t);
  add({
    name: 'body_one_byte_changed_large_near_end', payload: flipOneByte(payload, payload.length - 200),
    header, secrets: p.keys, now: p.now, expected: 'invalid_signature',
  });
}
cases('body_trailing_newline_added', 1, () => {
  const p = signedParts();
  return { payload: `${p.payload}\n`, header: `t=${p.t},v1=${p.sig}`, secrets: p.keys, now: p.now, expected: 'invalid_signature' };
});
cases('body_trailing_whitespace_removed', 1, () => {
  const p = signedParts();
  const payload = body({ created: p.t, style: 'stripe' });
  return { payload: payload.trimEnd(), header: sdkHeader(payload, p.keys[0], p.t), secrets: p.keys, now: p.now, expected: 'invalid_signature' };
});
cases('body_crlf_to_lf', 1, () => {
  const p = signedParts();
  const payload = body({ created: p.t, style: 'crlf' });
  return { payload: payload.replace(/\r\n/g, '\n'), header: sdkHeader(payload, p.keys[0], p.t), secrets: p.keys, now: p.now, expected: 'invalid_signature' };
});
cases('body_unicode_normalised_nfc_to_nfd', 1, () => {
  const p = signedParts();
  const obj = eventObject({ created: p.t, unicode: true });
  obj.data.object.description = 'Zoë Ångström résumé'; // precomposed (NFC) characters
  const payload = layout(obj, 'stripe');
  if (payload.normalize('NFD') === payload) throw new Error('NFD did not change the body');
  return { payload: payload.normalize('NFD'), header: sdkHeader(payload, p.keys[0], p.t), secrets: p.keys, now: p.now, expected: 'invalid_signature' };
});
cases('body_unicode_unescaped', 1, () => {
  // signed with \u escapes, delivered with the literal characters: different bytes
  const p = signedParts();
  const obj = eventObject({ created: p.t, unicode: true });
  const signedBody = layout(obj, 'escaped');
  return { payload: layout(obj, 'stripe'), header: sdkHeader(signedBody, p.keys[0], p.t), secrets: p.keys, now: p.now, expected: 'invalid_signature' };
});

// --- extra schemes next to a valid v1 -------------------------------------------------------------

cases('extra_schemes', 8, (i) => {
  const p = signedParts();
  const v0 = sdkSig(p.payload, p.keys[0], p.t, 'v0');
  const v2 = hex(64);
  const header = [
    `t=${p.t},v1=${p.sig},v0=${v0}`,
    `t=${p.t},v0=${v0},v1=${p.sig}`,
    `t=${p.t},v2=${v2},v1=${p.sig}`,
    `t=${p.t},v1=${p.sig},v2=${v2}`,
    `t=${p.t},v0=${hex(64)},v1=${p.sig},v2=${v2}`,
    `t=${p.t},v1=${p.sig},v0=${v0},x=y`,
    `t=${p.t},v1=${hex(64)},v1=${p.sig},v0=${v0}`,
    `t=${p.t},v1=${p.sig},v1=${hex(64)},v0=${hex(64)}`,
  ][i - 1];
  return { payload: p.payload, header, secrets: p.keys, now: p.now, expected: 'valid', secretIndex: 0 };
});

// ---------------------------------------------------------------------------------------
// output: stable key order (insertion order above), 2-space JSON, trailing newline

if (vectors.length < 120) fail(`only ${vectors.length} vectors (need >= 120)`);

const document = {
  description: "Stripe-Signature vectors; 'stripeNode' is the verdict of Stripe's official Node SDK "
    + "(Stripe.webhooks.constructEvent with receivedAt = now), 'expected' is the verdict our verifier "
    + 'must give (docs/architecture.md). Regenerate with: cd tests/vectors && npm ci && node generate.mjs',
  generator: 'tests/vectors/generate.mjs',
  stripeNodeVersion: stripeVersion,
  seed: SEED,
  vectors,
};
writeFileSync(outFile, `${JSON.stringify(document, null, 2)}\n`);

const counts = {};
for (const v of vectors) counts[v.expected] = (counts[v.expected] ?? 0) + 1;
const diffs = vectors.filter((v) => v.deliberateDifference).length;
console.log(
  `generate.mjs: ${vectors.length} vectors from stripe ${stripeVersion} -> ${outFile} `
  + `(${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}; ${diffs} deliberate differences; SDK agrees on all others)`,
);
