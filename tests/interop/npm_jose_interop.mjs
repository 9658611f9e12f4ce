// Checks our JOSE layer against npm's jose (version 6), both ways.
//   node npm_jose_interop.mjs --tool T --keygen K algorithm ALG
//       We sign, jose verifies; jose signs, we verify; both agree on RFC 7638
//       thumbprints; a tampered token fails on both sides.
//   node npm_jose_interop.mjs --tool T --keygen K keygen TYPE
//       inmor-keygeneration's keys load in jose with matching thumbprints and
//       sign and verify both ways.
// jose 6 has no Ed448, so that curve is not run here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify,
} from 'jose';

const TYP = 'entity-statement+jwt';

class InteropFailure extends Error {}

function check(condition, message) {
  if (!condition) {
    throw new InteropFailure(message);
  }
}

function headerAlg(keyType) {
  return keyType === 'Ed25519' ? 'EdDSA' : keyType;
}

function claims() {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'https://ta.test', sub: 'https://leaf.test', iat: now, exp: now + 600 };
}

function runTool(tool, args, input, expectSuccess = true) {
  const result = spawnSync(tool, args, { input, encoding: 'utf8' });
  if (expectSuccess && result.status !== 0) {
    throw new InteropFailure(`tool ${args[0]} failed: ${result.stderr}`);
  }
  return result;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function tamper(token) {
  const [header, payload, signature] = token.split('.');
  const flipped = payload[0] === 'A' ? 'B' : 'A';
  return [header, flipped + payload.slice(1), signature].join('.');
}

function samePayload(actual, expected) {
  const keys = Object.keys(expected);
  return keys.length === Object.keys(actual).length &&
    keys.every((key) => actual[key] === expected[key]);
}

async function verifyWithJose(token, publicMembers, alg) {
  const key = await importJWK(publicMembers, alg);
  const { payload, protectedHeader } = await jwtVerify(token, key, {
    typ: TYP,
    algorithms: [alg],
  });
  check(protectedHeader.kid === publicMembers.kid, `kid header is ${protectedHeader.kid}`);
  check(protectedHeader.alg === alg, `alg header is ${protectedHeader.alg}`);
  return payload;
}

async function joseRejects(token, publicMembers, alg) {
  try {
    await verifyWithJose(token, publicMembers, alg);
  } catch (error) {
    return !(error instanceof InteropFailure);
  }
  return false;
}

async function signWithJose(privateKey, alg, kid, payload) {
  return new SignJWT(payload).setProtectedHeader({ alg, kid, typ: TYP }).sign(privateKey);
}

async function oursToJose(tool, keyType, directory) {
  runTool(tool, ['generate', keyType, directory]);
  const publicMembers = readJson(join(directory, 'public.json'));
  check(await calculateJwkThumbprint(publicMembers) === publicMembers.kid,
    'jose thumbprint differs from our kid');

  const payload = claims();
  const token = runTool(tool, ['sign', join(directory, 'private.json'), TYP],
    JSON.stringify(payload)).stdout.trim();
  const alg = headerAlg(keyType);
  check(samePayload(await verifyWithJose(token, publicMembers, alg), payload),
    'payload differs after jose verification');
  check(await joseRejects(tamper(token), publicMembers, alg), 'jose accepted a tampered token');
}

async function joseToOurs(tool, keyType, directory) {
  const alg = headerAlg(keyType);
  const { publicKey, privateKey } = await generateKeyPair(keyType === 'Ed25519' ? 'Ed25519' : alg,
    { extractable: true });
  const publicMembers = await exportJWK(publicKey);
  publicMembers.kid = await calculateJwkThumbprint(publicMembers);
  const publicPath = join(directory, 'their_public.json');
  writeFileSync(publicPath, JSON.stringify(publicMembers));
  const ours = runTool(tool, ['thumbprint', publicPath]).stdout.trim();
  check(ours === publicMembers.kid, `thumbprint differs: ours ${ours}, jose ${publicMembers.kid}`);

  const payload = claims();
  const token = await signWithJose(privateKey, alg, publicMembers.kid, payload);
  const jwksPath = join(directory, 'their_jwks.json');
  writeFileSync(jwksPath, JSON.stringify({ keys: [publicMembers] }));
  const verified = runTool(tool, ['verify', jwksPath, TYP], token).stdout;
  check(samePayload(JSON.parse(verified), payload), 'payload differs after our verification');

  const rejected = runTool(tool, ['verify', jwksPath, TYP], tamper(token), false);
  check(rejected.status !== 0, 'we accepted a tampered jose token');
}

async function runKeygenCase(tool, keygen, keyType, directory) {
  const output = join(directory, 'keys');
  const generated = spawnSync(keygen, [`--type=${keyType}`, `--output=${output}`],
    { encoding: 'utf8' });
  check(generated.status === 0, `inmor-keygeneration failed: ${generated.stderr}`);
  const privateMembers = readJson(join(output, 'private.json'));
  const kid = privateMembers.kid;
  const publicPath = join(output, 'publickeys', `${kid}.json`);
  const publicMembers = readJson(publicPath);
  check(await calculateJwkThumbprint(privateMembers) === kid, 'private.json thumbprint is not its kid');
  check(await calculateJwkThumbprint(publicMembers) === kid, 'public key thumbprint is not its kid');

  // jose signs with private.json (alg from the file, EdDSA for Ed25519).
  const alg = headerAlg(keyType);
  const privateKey = await importJWK(privateMembers, alg);
  const payload = claims();
  const token = await signWithJose(privateKey, alg, kid, payload);
  const verified = runTool(tool, ['verify', publicPath, TYP], token).stdout;
  check(samePayload(JSON.parse(verified), payload), 'payload differs after our verification');

  const ourToken = runTool(tool, ['sign', join(output, 'private.json'), TYP],
    JSON.stringify(payload)).stdout.trim();
  check(samePayload(await verifyWithJose(ourToken, publicMembers, alg), payload),
    'payload differs after jose verification');
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name) => args[args.indexOf(name) + 1];
  const [testCase, name] = args.slice(-2);
  const directory = mkdtempSync(join(tmpdir(), 'jose-interop-'));
  try {
    if (testCase === 'algorithm') {
      await oursToJose(option('--tool'), name, directory);
      await joseToOurs(option('--tool'), name, directory);
    } else if (testCase === 'keygen') {
      await runKeygenCase(option('--tool'), option('--keygen'), name, directory);
    } else {
      throw new InteropFailure(`unknown case ${testCase} (algorithm, keygen)`);
    }
    console.log(`interop npm jose ${testCase} ${name}: ok`);
  } catch (error) {
    console.log(`interop npm jose ${testCase} ${name}: FAILED: ${error.message}`);
    process.exitCode = 1;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
