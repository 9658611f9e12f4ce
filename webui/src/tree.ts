// Layered layout of the federation tree from collection entities and their superiors.

import type { CollectionEntity } from './api';

/** One placed entity. `x` and `y` are the centre of its box in SVG units. */
export interface TreeNode {
    id: string;
    label: string;
    types: string[];
    depth: number;
    x: number;
    y: number;
}

/** One drawn line from a superior to a subordinate. */
export interface TreeEdge {
    from: string;
    to: string;
}

export interface TreeLayout {
    nodes: TreeNode[];
    edges: TreeEdge[];
    width: number;
    height: number;
}

export const kNodeWidth = 180;
export const kNodeHeight = 44;
const kColumnGap = 24;
const kRowGap = 70;
const kMargin = 16;

/** Short label: the display name from ui_infos, else the entity id's host and path. */
export function entityLabel(entity: CollectionEntity): string {
    for (const info of Object.values(entity.ui_infos ?? {})) {
        const name = info?.display_name;
        if (typeof name === 'string' && name.trim()) {
            return name.trim();
        }
    }
    try {
        const url = new URL(entity.entity_id);
        const path = url.pathname === '/' ? '' : url.pathname;
        return `${url.host}${path}`;
    } catch {
        return entity.entity_id;
    }
}

/**
 * Places the trust anchor (or every entity without a known superior) on the top row and
 * each other entity one row below its shallowest superior. An entity under several
 * superiors is drawn once, with a line to each.
 */
export function layoutTree(entities: CollectionEntity[], trustAnchor: string | null): TreeLayout {
    const byId = new Map(entities.map((entity) => [entity.entity_id, entity]));
    if (trustAnchor && !byId.has(trustAnchor)) {
        byId.set(trustAnchor, { entity_id: trustAnchor, entity_types: ['federation_entity'], superiors: [] });
    }
    const children = new Map<string, string[]>();
    const edges: TreeEdge[] = [];
    for (const entity of byId.values()) {
        for (const superior of entity.superiors ?? []) {
            if (!byId.has(superior) || superior === entity.entity_id) {
                continue;
            }
            edges.push({ from: superior, to: entity.entity_id });
            children.set(superior, [...(children.get(superior) ?? []), entity.entity_id]);
        }
    }

    const roots = [...byId.values()]
        .filter((entity) => entity.entity_id === trustAnchor
            || !(entity.superiors ?? []).some((superior) => byId.has(superior)))
        .map((entity) => entity.entity_id)
        .sort();

    // Breadth-first from the roots gives each entity its shallowest depth and an order
    // that keeps siblings together.
    const depth = new Map<string, number>();
    const order: string[] = [];
    const queue = [...roots];
    roots.forEach((id) => depth.set(id, 0));
    while (queue.length > 0) {
        const id = queue.shift() as string;
        order.push(id);
        for (const child of [...(children.get(id) ?? [])].sort()) {
            if (!depth.has(child)) {
                depth.set(child, (depth.get(id) ?? 0) + 1);
                queue.push(child);
            }
        }
    }
    // Entities only reachable through a cycle still get drawn, on the top row.
    for (const id of [...byId.keys()].sort()) {
        if (!depth.has(id)) {
            depth.set(id, 0);
            order.push(id);
        }
    }

    const rows = new Map<number, string[]>();
    for (const id of order) {
        const level = depth.get(id) ?? 0;
        rows.set(level, [...(rows.get(level) ?? []), id]);
    }
    // Each row is placed left to right at the mean x of the entity's superiors in rows
    // above, pushed right where boxes would overlap. The top row starts at the margin.
    const placed = new Map<string, number>();
    const superiorsOf = new Map<string, string[]>();
    for (const edge of edges) {
        superiorsOf.set(edge.to, [...(superiorsOf.get(edge.to) ?? []), edge.from]);
    }
    const levels = [...rows.keys()].sort((a, b) => a - b);
    for (const level of levels) {
        const desired = (rows.get(level) ?? []).map((id, index) => {
            const parents = (superiorsOf.get(id) ?? []).filter((p) => placed.has(p));
            const x = parents.length
                ? parents.reduce((sum, p) => sum + (placed.get(p) ?? 0), 0) / parents.length
                : kMargin + kNodeWidth / 2 + index * (kNodeWidth + kColumnGap);
            return { id, x };
        });
        desired.sort((a, b) => a.x - b.x);
        let next = kMargin + kNodeWidth / 2;
        for (const item of desired) {
            const x = Math.max(item.x, next);
            placed.set(item.id, x);
            next = x + kNodeWidth + kColumnGap;
        }
    }

    const right = Math.max(0, ...placed.values());
    const width = right + kNodeWidth / 2 + kMargin;
    const height = kMargin * 2 + rows.size * kNodeHeight + Math.max(0, rows.size - 1) * kRowGap;
    const nodes: TreeNode[] = [];
    for (const level of levels) {
        for (const id of rows.get(level) ?? []) {
            const entity = byId.get(id) as CollectionEntity;
            nodes.push({
                id,
                label: entityLabel(entity),
                types: entity.entity_types ?? [],
                depth: level,
                x: placed.get(id) ?? 0,
                y: kMargin + level * (kNodeHeight + kRowGap) + kNodeHeight / 2,
            });
        }
    }
    return { nodes, edges, width, height };
}
