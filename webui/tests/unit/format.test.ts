// Tests of the JSON editor check, the audit diff and the tree layout.
import { describe, expect, it } from 'vitest';
import { checkJson, counted, daysUntil, diffJson, formatTime, toDate } from '../../src/format';
import { layoutTree } from '../../src/tree';

describe('checkJson', () => {
    it('accepts an object and rejects other values when an object is required', () => {
        expect(checkJson('{"a": 1}', true)).toEqual({ ok: true, value: { a: 1 }, error: null });
        expect(checkJson('[1]', true).error).toBe('must be a JSON object ({...})');
        expect(checkJson('[1]', false).ok).toBe(true);
    });

    it('reports empty and malformed text', () => {
        expect(checkJson('  ', true).error).toMatch(/^empty/);
        expect(checkJson('{"a": }', true).error).toMatch(/^invalid JSON: /);
    });
});

describe('diffJson', () => {
    it('lists added, removed and changed leaves by path', () => {
        const before = { active: true, metadata: { rp: { name: 'A' } }, keys: [1, 2] };
        const after = { active: false, metadata: { rp: { name: 'A', logo: 'x' } }, keys: [1] };

        expect(diffJson(before, after)).toEqual([
            { path: '$.active', kind: 'changed', before: true, after: false },
            { path: '$.keys[1]', kind: 'removed', before: 2 },
            { path: '$.metadata.rp.logo', kind: 'added', after: 'x' },
        ]);
    });

    it('treats a created object as one addition', () => {
        expect(diffJson(null, { id: 1 })).toEqual([{ path: '$', kind: 'added', after: { id: 1 } }]);
        expect(diffJson({ id: 1 }, { id: 1 })).toEqual([]);
    });
});

describe('times', () => {
    it('reads unix seconds and ISO text', () => {
        expect(toDate(0)?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
        expect(toDate('1700000000')?.getTime()).toBe(1_700_000_000_000);
        expect(toDate('2026-01-02T03:04:05Z')?.getUTCHours()).toBe(3);
        expect(toDate('yesterday')).toBeNull();
        expect(formatTime(null)).toBe('—');
        expect(formatTime('2026-01-02T03:04:05Z')).toBe('2026-01-02 03:04 UTC');
        expect(daysUntil('2026-01-03T00:00:00Z', new Date('2026-01-01T00:00:00Z'))).toBe(2);
    });
});

describe('counted', () => {
    it('uses the singular only for one', () => {
        expect(counted(1, 'entry', 'entries')).toBe('1 entry');
        expect(counted(0, 'entry', 'entries')).toBe('0 entries');
        expect(counted(2, 'API key')).toBe('2 API keys');
    });
});

describe('layoutTree', () => {
    it('puts the anchor on top and each entity below its shallowest superior', () => {
        const ta = 'https://ta.test';
        const ia = 'https://ia.test';
        const rp = 'https://rp.test';
        const layout = layoutTree([
            { entity_id: ta, entity_types: ['federation_entity'], superiors: [] },
            { entity_id: ia, entity_types: ['federation_entity'], superiors: [ta] },
            { entity_id: rp, entity_types: ['openid_relying_party'], superiors: [ia, ta] },
        ], ta);

        const depth = Object.fromEntries(layout.nodes.map((n) => [n.id, n.depth]));
        expect(depth).toEqual({ [ta]: 0, [ia]: 1, [rp]: 1 });
        expect(layout.edges).toHaveLength(3);
        expect(layout.nodes.find((n) => n.id === rp)?.label).toBe('rp.test');
    });

    it('places an only child under its superior without overlaps', () => {
        const ta = 'https://ta.test';
        const layout = layoutTree([
            { entity_id: ta, entity_types: [], superiors: [] },
            { entity_id: 'https://a.test', entity_types: [], superiors: [ta] },
            { entity_id: 'https://b.test', entity_types: [], superiors: [ta] },
            { entity_id: 'https://c.test', entity_types: [], superiors: ['https://b.test'] },
        ], ta);
        const x = Object.fromEntries(layout.nodes.map((n) => [n.id, n.x]));

        expect(x['https://c.test']).toBe(x['https://b.test']);
        expect(x['https://b.test'] - x['https://a.test']).toBeGreaterThanOrEqual(180);
        expect(layout.width).toBeGreaterThanOrEqual(x['https://b.test'] + 90);
    });

    it('still draws entities caught in a superior cycle', () => {
        const layout = layoutTree([
            { entity_id: 'https://a.test', entity_types: [], superiors: ['https://b.test'] },
            { entity_id: 'https://b.test', entity_types: [], superiors: ['https://a.test'] },
        ], null);

        expect(layout.nodes.map((n) => n.id).sort()).toEqual(['https://a.test', 'https://b.test']);
    });

    it('adds the anchor when the collection lacks it', () => {
        const layout = layoutTree([], 'https://ta.test');
        expect(layout.nodes).toHaveLength(1);
        expect(layout.width).toBeGreaterThan(0);
    });
});
