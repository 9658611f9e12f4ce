// Tests of the JWT decoding helpers, including malformed input.
import { describe, expect, it } from 'vitest';
import {
    base64UrlDecode, base64UrlEncode, claimDate, decodeJwt, JwtFormatError, secondsUntilExpiry,
    tryDecodeJwt,
} from '../../src/jwt';

function makeJwt(header: object, payload: object): string {
    return `${base64UrlEncode(JSON.stringify(header))}.${base64UrlEncode(JSON.stringify(payload))}.c2ln`;
}

describe('base64url', () => {
    it('round-trips UTF-8 text', () => {
        const text = '{"name":"Åsa Ölund ✓"}';
        expect(base64UrlDecode(base64UrlEncode(text))).toBe(text);
    });

    it('decodes the RFC 7515 example header', () => {
        // Appendix A.1 of RFC 7515.
        expect(base64UrlDecode('eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9'))
            .toBe('{"typ":"JWT",\r\n "alg":"HS256"}');
    });

    it('uses - and _ instead of + and /', () => {
        expect(base64UrlEncode('???')).toBe('Pz8_');
        expect(base64UrlEncode('~~~')).toBe('fn5-');
        expect(base64UrlDecode('Pz8_')).toBe('???');
        expect(base64UrlDecode('fn5-')).toBe('~~~');
    });

    it('rejects standard base64 characters and padding', () => {
        expect(() => base64UrlDecode('ab+c')).toThrow(JwtFormatError);
        expect(() => base64UrlDecode('abc=')).toThrow(JwtFormatError);
        expect(() => base64UrlDecode('abcde')).toThrow(/dangling/);
    });

    it('rejects bytes that are not UTF-8', () => {
        expect(() => base64UrlDecode('_w')).toThrow('invalid base64url: bytes are not UTF-8');
    });
});

describe('decodeJwt', () => {
    it('returns header, payload and signature', () => {
        const token = makeJwt({ alg: 'ES256', kid: 'k1', typ: 'entity-statement+jwt' },
            { iss: 'https://ta.test', sub: 'https://ta.test', exp: 2000000000 });

        const decoded = decodeJwt(token);

        expect(decoded.header).toEqual({ alg: 'ES256', kid: 'k1', typ: 'entity-statement+jwt' });
        expect(decoded.payload.iss).toBe('https://ta.test');
        expect(decoded.signature).toBe('c2ln');
    });

    it('rejects a token without three parts', () => {
        expect(() => decodeJwt('a.b')).toThrow('JWT must have 3 parts separated by dots, found 2');
        expect(() => decodeJwt('a.b.c.d.e')).toThrow(/found 5/);
    });

    it('names the part that is not JSON', () => {
        const header = base64UrlEncode('{"alg":"none"}');
        expect(() => decodeJwt(`${header}.${base64UrlEncode('not json')}.x`))
            .toThrow('JWT payload is not valid JSON');
        expect(() => decodeJwt(`${base64UrlEncode('[1]')}.${header}.x`))
            .toThrow('JWT header is not a JSON object');
    });

    it('tryDecodeJwt returns null for non-tokens', () => {
        expect(tryDecodeJwt(undefined)).toBeNull();
        expect(tryDecodeJwt('revoked')).toBeNull();
        expect(tryDecodeJwt(makeJwt({ alg: 'RS256' }, { sub: 'x' }))?.payload.sub).toBe('x');
    });
});

describe('expiry claims', () => {
    it('reads exp as a date and counts seconds left', () => {
        const payload = { exp: 1_700_000_600 };
        const now = new Date(1_700_000_000_000);

        expect(claimDate(payload, 'exp')?.toISOString()).toBe('2023-11-14T22:23:20.000Z');
        expect(secondsUntilExpiry(payload, now)).toBe(600);
        expect(secondsUntilExpiry({ exp: 1_699_999_000 }, now)).toBe(-1000);
    });

    it('ignores claims that are not numbers', () => {
        expect(claimDate({ exp: '1700000000' }, 'exp')).toBeNull();
        expect(secondsUntilExpiry({})).toBeNull();
    });
});
