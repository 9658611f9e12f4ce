// Tests of which entity logo URLs the UI may load.
import { describe, expect, it } from 'vitest';
import { allowedLogoUrl } from '../../src/logos';

const kPage = 'https://admin.ta.test';

describe('allowedLogoUrl', () => {
    it('allows same-origin logos, absolute or relative', () => {
        expect(allowedLogoUrl('https://admin.ta.test/logo.png', kPage)).toBe('https://admin.ta.test/logo.png');
        expect(allowedLogoUrl('/static/logo.svg', kPage)).toBe('https://admin.ta.test/static/logo.svg');
    });

    it('rejects logos from other origins when none are allowed', () => {
        expect(allowedLogoUrl('https://cdn.test/logo.png', kPage)).toBeNull();
        expect(allowedLogoUrl('http://admin.ta.test/logo.png', kPage)).toBeNull();
    });

    it('rejects values that are not URL strings', () => {
        expect(allowedLogoUrl(undefined, kPage)).toBeNull();
        expect(allowedLogoUrl(42, kPage)).toBeNull();
        expect(allowedLogoUrl('', kPage)).toBeNull();
        expect(allowedLogoUrl('http://[bad', kPage)).toBeNull();
    });
});
