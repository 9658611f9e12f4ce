// The browser tests' TOTP helper against the RFC 6238 appendix B test vectors (SHA-1).
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module without type declarations
import { base32Decode, totpCode } from '../browser/totp.mjs';

// Base32 of the ASCII key "12345678901234567890" from RFC 6238 appendix B.
const kSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('totpCode', () => {
    it('matches the RFC 6238 SHA-1 vectors (last 6 digits)', () => {
        expect(totpCode(kSecret, 59_000)).toBe('287082');
        expect(totpCode(kSecret, 1_111_111_109_000)).toBe('081804');
        expect(totpCode(kSecret, 1_234_567_890_000)).toBe('005924');
        expect(totpCode(kSecret, 20_000_000_000_000)).toBe('353130');
    });

    it('rejects characters outside base32', () => {
        expect(() => base32Decode('ABC1')).toThrow(/invalid base32 character "1"/);
    });
});
