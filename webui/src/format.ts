// Small helpers the views share: dates, JSON text, JSON diffs.

/** Parses an API time (ISO 8601 text or unix seconds) into a Date, or null. */
export function toDate(value: unknown): Date | null {
    if (value === null || value === undefined || value === '') {
        return null;
    }
    if (typeof value === 'number') {
        return Number.isFinite(value) ? new Date(value * 1000) : null;
    }
    if (typeof value === 'string') {
        if (/^\d+(\.\d+)?$/.test(value)) {
            return new Date(Number(value) * 1000);
        }
        const parsed = new Date(value);
        return Number.isNaN(parsed.getTime()) ? null : parsed;
    }
    return null;
}

/** Formats an API time as "YYYY-MM-DD HH:MM UTC", or a dash when absent. */
export function formatTime(value: unknown): string {
    const date = toDate(value);
    if (!date) {
        return '—';
    }
    return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Days from now until the given API time; negative when past, null when absent. */
export function daysUntil(value: unknown, now: Date = new Date()): number | null {
    const date = toDate(value);
    if (!date) {
        return null;
    }
    return (date.getTime() - now.getTime()) / 86_400_000;
}

/** Pretty JSON text with two-space indentation. */
export function prettyJson(value: unknown): string {
    return JSON.stringify(value ?? null, null, 2);
}

/** Result of checking the text of a JSON editor. */
export interface JsonCheck {
    ok: boolean;
    value: unknown;
    error: string | null;
}

/**
 * Parses editor text as JSON. `requireObject` rejects anything but an object, which is
 * what metadata, jwks and claims fields must be.
 */
export function checkJson(text: string, requireObject: boolean): JsonCheck {
    if (!text.trim()) {
        return { ok: false, value: null, error: 'empty: enter JSON, {} for an empty object' };
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { ok: false, value: null, error: `invalid JSON: ${reason}` };
    }
    if (requireObject && (value === null || typeof value !== 'object' || Array.isArray(value))) {
        return { ok: false, value, error: 'must be a JSON object ({...})' };
    }
    return { ok: true, value, error: null };
}

/** One changed leaf between two JSON values. */
export interface JsonChange {
    path: string;
    kind: 'added' | 'removed' | 'changed';
    before?: unknown;
    after?: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Lists the differences between two JSON values, by JSON path, in key order. */
export function diffJson(before: unknown, after: unknown, path = '$'): JsonChange[] {
    if (isPlainObject(before) && isPlainObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((key) => {
            const childPath = `${path}.${key}`;
            if (!(key in after)) {
                return [{ path: childPath, kind: 'removed' as const, before: before[key] }];
            }
            if (!(key in before)) {
                return [{ path: childPath, kind: 'added' as const, after: after[key] }];
            }
            return diffJson(before[key], after[key], childPath);
        });
    }
    if (Array.isArray(before) && Array.isArray(after)) {
        const length = Math.max(before.length, after.length);
        const changes: JsonChange[] = [];
        for (let index = 0; index < length; index += 1) {
            const childPath = `${path}[${index}]`;
            if (index >= after.length) {
                changes.push({ path: childPath, kind: 'removed', before: before[index] });
            } else if (index >= before.length) {
                changes.push({ path: childPath, kind: 'added', after: after[index] });
            } else {
                changes.push(...diffJson(before[index], after[index], childPath));
            }
        }
        return changes;
    }
    if (JSON.stringify(before) === JSON.stringify(after)) {
        return [];
    }
    if (before === undefined || before === null) {
        return after === undefined || after === null
            ? [{ path, kind: 'changed', before, after }]
            : [{ path, kind: 'added', after }];
    }
    if (after === undefined || after === null) {
        return [{ path, kind: 'removed', before }];
    }
    return [{ path, kind: 'changed', before, after }];
}

/** Formats a count with its noun: singular for 1, else `plural` (default: noun + "s"). */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
    return `${count} ${count === 1 ? singular : plural}`;
}

/** Message of any thrown value. */
export function errorText(error: unknown): string {
    if (error instanceof Error) {
        return error.message;
    }
    return String(error);
}
