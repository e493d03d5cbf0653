#!/usr/bin/env node
// jose interop peer for timed-jws.
//
//   node peer.mjs sign   (--secret S | --key-pem PRIVATE_PEM) --alg A --exp SECONDS_FROM_NOW [--now T] CLAIMS_JSON
//   node peer.mjs verify (--secret S | --key-pem PUBLIC_PEM) --alg A [--now T] TOKEN
//
// sign prints the token (claims + iat = now, exp = now + SECONDS).
// verify prints the payload as JSON and exits 0, or prints the error's
// error code (e.g. ERR_JWT_EXPIRED) and exits 1.
//
// jose rejects when exp <= now - clockTolerance (exp == now is expired), and
// does not enforce a minimum HMAC key length. With --key-pem (RS*/PS*/ES*/
// EdDSA) sign imports a PKCS#8 private key PEM (importPKCS8) and verify a
// SubjectPublicKeyInfo public key PEM (importSPKI).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SignJWT, jwtVerify, importPKCS8, importSPKI } from 'jose';

function usage(msg) {
  console.error(`peer.mjs: ${msg}`);
  console.error('usage: node peer.mjs sign (--secret S | --key-pem PEM) --alg A --exp N [--now T] CLAIMS_JSON');
  console.error('       node peer.mjs verify (--secret S | --key-pem PEM) --alg A [--now T] TOKEN');
  process.exit(2);
}

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    secret: { type: 'string' },
    'key-pem': { type: 'string' },
    alg: { type: 'string' },
    exp: { type: 'string' },
    now: { type: 'string' },
  },
});

const [cmd, arg] = positionals;
if (positionals.length !== 2) usage('expected a command and one argument');
if ((opts.secret === undefined) === (opts['key-pem'] === undefined)) {
  usage('give exactly one of --secret and --key-pem');
}
if (opts.alg === undefined) usage('--alg is required');

async function loadKey() {
  if (opts.secret !== undefined) return new TextEncoder().encode(opts.secret);
  const pem = readFileSync(opts['key-pem'], 'utf8');
  return cmd === 'sign' ? importPKCS8(pem, opts.alg) : importSPKI(pem, opts.alg);
}
const key = await loadKey();
const now = opts.now === undefined ? Math.floor(Date.now() / 1000) : Number(opts.now);

if (cmd === 'sign') {
  if (opts.exp === undefined) usage('--exp is required for sign');
  const token = await new SignJWT(JSON.parse(arg))
    .setProtectedHeader({ alg: opts.alg, typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + Number(opts.exp))
    .sign(key);
  console.log(token);
} else if (cmd === 'verify') {
  try {
    const { payload } = await jwtVerify(arg, key, {
      algorithms: [opts.alg],
      currentDate: new Date(now * 1000),
    });
    console.log(JSON.stringify(sortKeys(payload)));
  } catch (e) {
    console.log(e.code ?? e.constructor.name);
    process.exit(1);
  }
} else {
  usage(`unknown command ${cmd}`);
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  }
  return v;
}
