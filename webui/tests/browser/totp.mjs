// TOTP codes (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits) from a base32 secret, so the
// browser tests can pass the login step of a user with MFA.
import { createHmac } from 'node:crypto';

const kBase32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32 (padding and spaces ignored, case-insensitive). */
export function base32Decode(text) {
    const clean = text.replace(/[\s=]/g, '').toUpperCase();
    let bits = 0;
    let value = 0;
    const bytes = [];
    for (const char of clean) {
        const index = kBase32Alphabet.indexOf(char);
        if (index < 0) {
            throw new Error(`invalid base32 character ${JSON.stringify(char)} in TOTP secret`);
        }
        value = (value << 5) | index;
        bits += 5;
        if (bits >= 8) {
            bytes.push((value >>> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return Buffer.from(bytes);
}

/** Returns the 6-digit code for `secret` at `timeMs` (defaults to now). */
export function totpCode(secret, timeMs = Date.now(), stepSeconds = 30) {
    const counter = Math.floor(timeMs / 1000 / stepSeconds);
    const message = Buffer.alloc(8);
    message.writeBigUInt64BE(BigInt(counter));
    const digest = createHmac('sha1', base32Decode(secret)).update(message).digest();
    const offset = digest[digest.length - 1] & 0x0f;
    const binary = digest.readUInt32BE(offset) & 0x7fffffff;
    return String(binary % 1_000_000).padStart(6, '0');
}
