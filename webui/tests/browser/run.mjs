// Browser tests of the admin web UI against the real admin, driving Debian's Chromium
// through playwright-core (no browser download).
//
// The run builds nothing. It takes the built binaries from INMOR_BIN_DIR (default:
// build/asan/src/cli of this worktree) and the built UI from webui/dist. It makes a fresh
// trust anchor in a temporary folder (tests/browser/instance.mjs) and starts loopback
// servers playing subordinate entities (tests/browser/entity-server.mjs). Then it drives
// the UI through the operator's work: sign in, the federation server on the dashboard,
// subordinates, trust mark types and marks, the audit log, API keys, publishing, the
// collection tree, users, the resolve inspector, TOTP enrolment and sign-in.
// Every view is then rendered at 1280 and 390 px, checked with axe-core (no serious or
// critical violation), walked with the Tab key, checked for horizontal overflow and
// screenshotted.
//
// Parts: `--part=main` (the default) runs everything but the resolve inspector, which
// `--part=resolve` runs alone after signing in and adding the leaf it resolves.
//
// Environment:
//   INMOR_BIN_DIR      folder with inmor, inmor-admin, inmor-keygeneration
//   CHROMIUM_PATH      default /usr/bin/chromium; a missing browser fails the run
//   INMOR_KEEP_HOME=1  leave the instance's temporary folder (logs, database) behind
//
// Output: test-results/screenshots/{name}-{width}.png and test-results/browser-report.json.
// The last line is "browser: N passed, N failed, N skipped"; the exit code is 1 when
// anything failed or nothing passed. A skipped check is never counted as passed.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { totpCode } from './totp.mjs';
import { runProgram, startInstance } from './instance.mjs';
import { startEntityServer } from './entity-server.mjs';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

const kWebuiDir = fileURLToPath(new URL('../../', import.meta.url));
const kWorktree = join(kWebuiDir, '..');
const kResultsDir = join(kWebuiDir, 'test-results');
const kScreenshotDir = join(kResultsDir, 'screenshots');
const kWidths = [1280, 390];
const kViews = [
    ['dashboard', '/', 'Dashboard'], ['subordinates', '/subordinates', 'Subordinates'],
    ['trustmarktypes', '/trustmarktypes', 'Trust mark types'],
    ['trustmarks', '/trustmarks', 'Trust marks'], ['tree', '/tree', null],
    ['resolve', '/resolve', 'Resolve inspector'], ['server', '/server', 'Server'],
    ['apikeys', '/apikeys', 'API keys'], ['auditlog', '/auditlog', 'Audit log'],
    ['users', '/users', 'Users and MFA'],
];
const kChromiumArgs = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
];
const kTimeoutMs = 20_000;
/** Writes to the API are held this long, so the working state is visible to the test. */
const kWriteDelayMs = 400;
const kUsername = 'admin';
const kPassword = 'browser-test-password-1';

const results = [];
const blockedRequests = [];
const pageErrors = [];

function record(name, status, detail = '') {
    results.push({ name, status, detail });
    console.log(`${status.toUpperCase().padEnd(7)} ${name}${detail ? `: ${detail}` : ''}`);
}

// The resolve inspector runs as a part of its own (--part=resolve, a ctest of its own)
// with only the checks it needs; the main part leaves the inspector out.
const kPart = process.argv.find((arg) => arg.startsWith('--part='))?.slice('--part='.length) ?? 'main';
const kResolveCheck = 'resolve a leaf in the inspector';
const kResolvePartChecks = new Set([
    'login without TOTP',
    'add a subordinate played by a loopback server (fetch-config preview, save)',
    kResolveCheck,
]);

function inPart(name) {
    return kPart === 'resolve' ? kResolvePartChecks.has(name) : name !== kResolveCheck;
}

async function check(name, work) {
    if (!inPart(name)) {
        return true;
    }
    try {
        await work();
        record(name, 'passed');
        return true;
    } catch (error) {
        record(name, 'failed', error instanceof Error ? error.message.split('\n')[0] : String(error));
        return false;
    }
}

function fail(message) {
    throw new Error(message);
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Aborts every request that does not go to 127.0.0.1 and records it as a failure. Writes
 * to the admin API wait kWriteDelayMs, so each action's working state can be seen.
 */
async function guardNetwork(context) {
    await context.route('**/*', async (route) => {
        const request = route.request();
        const url = new URL(request.url());
        if (url.protocol === 'data:' || url.protocol === 'blob:') {
            return route.continue();
        }
        if (url.hostname !== '127.0.0.1') {
            blockedRequests.push(url.href);
            return route.abort('blockedbyclient');
        }
        if (request.method() !== 'GET' && url.pathname.startsWith('/api/v1/')) {
            await sleep(kWriteDelayMs);
        }
        return route.continue();
    });
}

async function newContext(browser, width) {
    const context = await browser.newContext({
        viewport: { width, height: width > 600 ? 900 : 844 },
        reducedMotion: 'reduce',
    });
    await guardNetwork(context);
    const page = await context.newPage();
    page.setDefaultTimeout(kTimeoutMs);
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('dialog', (dialog) => dialog.accept());
    return { context, page };
}

async function settle(page) {
    await page.waitForSelector('main h1');
    await page.waitForFunction(() => !document.querySelector('.status-busy'), null, { timeout: kTimeoutMs });
}

async function axeViolations(page) {
    // The page's CSP blocks inline script tags, as it should. Code evaluated through the
    // DevTools protocol is exempt, so axe is injected that way.
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
        const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
    });
    return violations;
}

const axeReport = {};

/** Runs axe, keeps every finding in the report and fails on serious or critical ones. */
async function expectAccessible(page, name) {
    const violations = await axeViolations(page);
    axeReport[name] = violations;
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (serious.length > 0) {
        fail(`axe: ${serious.map((v) => `${v.id} (${v.impact}, ${v.nodes} nodes): ${v.help}`).join('; ')}`);
    }
}

async function screenshot(page, name) {
    await page.screenshot({ path: join(kScreenshotDir, `${name}.png`), fullPage: true });
}

async function expectNoOverflow(page, width) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) {
        fail(`page is ${overflow} px wider than the ${width} px viewport`);
    }
}

/**
 * Presses Tab from the top of the page until focus comes back around, and fails when a
 * visible, enabled control was never reached.
 */
async function expectTabReachesEverything(page) {
    const expected = await page.evaluate(() => {
        const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
        // checkVisibility is false inside a closed <details>, whose content keeps its boxes.
        const controls = [...document.querySelectorAll(selector)].filter((element) => !element.disabled &&
            element.tabIndex >= 0 && element.checkVisibility({ visibilityProperty: true }));
        controls.forEach((element, index) => { element.dataset.tabWalk = String(index); });
        if (document.activeElement instanceof HTMLElement) {
            document.activeElement.blur();
        }
        window.scrollTo(0, 0);
        return controls.map((element) => {
            const label = element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '';
            return `${element.tagName.toLowerCase()} "${label.slice(0, 40)}"${element.id ? ` #${element.id}` : ''}`;
        });
    });
    // Some controls take several stops (a datetime-local input has one per part) and
    // Chromium also stops on scrollable boxes, so the walk may take more presses than
    // there are controls.
    const reached = new Set();
    const maxPresses = expected.length * 4 + 20;
    for (let step = 0; step < maxPresses; step += 1) {
        await page.keyboard.press('Tab');
        const index = await page.evaluate(() => {
            const active = document.activeElement;
            return active instanceof HTMLElement && active.dataset.tabWalk !== undefined
                ? Number(active.dataset.tabWalk) : -1;
        });
        if (index >= 0) {
            reached.add(index);
        }
        if (reached.size === expected.length) {
            break;
        }
    }
    const missed = expected.filter((_, index) => !reached.has(index));
    if (missed.length > 0) {
        fail(`${missed.length} of ${expected.length} controls not reached by Tab: ${missed.slice(0, 4).join(', ')}`);
    }
    return expected.length;
}

/** Clicks, waits for the working state, then for `outcome` (a locator). */
async function expectWorkingThen(page, act, outcome) {
    const busy = page.locator('.status-busy').first();
    await act();
    await busy.waitFor({ state: 'visible', timeout: kTimeoutMs }).catch(() => {
        fail('no working state appeared after the action');
    });
    await outcome.first().waitFor({ timeout: kTimeoutMs });
}

/** Shows the view at `path` freshly mounted, reloading when it is already shown. */
async function visit(page, base, path) {
    const target = `${base}/#${path}`;
    if (page.url() === target) {
        await page.reload();
    } else {
        await page.goto(target);
    }
    // A hash change keeps the old view on screen until the router renders the new one.
    await page.waitForSelector(`main[data-route-path="${path}"]`, { timeout: kTimeoutMs });
    await settle(page);
}

function successText(page, text) {
    return page.locator('.status-ok').filter({ hasText: text });
}

async function signIn(page, base, totpSecret) {
    await page.goto(`${base}/#/login`);
    await page.getByLabel('Username').fill(kUsername);
    await page.getByLabel('Password').fill(kPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (totpSecret) {
        await page.getByLabel('Authentication code').waitFor();
        await page.getByLabel('Authentication code').fill(await freshTotp(totpSecret));
        await page.getByRole('button', { name: 'Verify' }).click();
    }
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

let lastTotpStep = -1;

/**
 * Returns a TOTP code of a time step not used before, because the admin rejects a step
 * twice, waiting until at least 5 s of the step are left.
 */
async function freshTotp(secret) {
    for (;;) {
        const now = Date.now() / 1000;
        const step = Math.floor(now / 30);
        const left = 30 - (now % 30);
        if (step > lastTotpStep && left >= 5) {
            lastTotpStep = step;
            return totpCode(secret, now * 1000);
        }
        await sleep(Math.ceil(left * 1000) + 200);
    }
}

async function csrfToken(context) {
    const cookies = await context.cookies();
    return cookies.find((cookie) => cookie.name === 'csrftoken')?.value ?? '';
}

// The checks of the operator's work, in one signed-in browser at 1280 px.
async function runFlows(browser, env) {
    const { base, leaf, down, anchor } = env;
    const { context, page } = await newContext(browser, 1280);

    await check('login view: axe, keyboard and screenshot', async () => {
        await page.goto(`${base}/#/login`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await screenshot(page, 'login-1280');
        await expectAccessible(page, 'login-1280');
        await expectTabReachesEverything(page);
    });

    await check('wrong password shows the API error and keeps the username', async () => {
        await page.goto(`${base}/#/login`);
        await page.getByLabel('Username').fill(kUsername);
        await page.getByLabel('Password').fill('wrong-password-for-test');
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Sign in' }).click(),
            page.getByRole('alert').filter({ hasText: 'invalid username or password' }));
        if ((await page.getByLabel('Username').inputValue()) !== kUsername) {
            fail('the username was cleared after a failed login');
        }
    });

    if (!await check('login without TOTP', () => signIn(page, base))) {
        await context.close();
        return { loggedIn: false };
    }

    await check('dashboard shows the federation server as up', async () => {
        await visit(page, base, '/');
        const state = page.getByTestId('federation-server-state');
        await state.filter({ hasText: /^\s*up\s*$/ }).waitFor({ timeout: kTimeoutMs });
        const facts = page.getByTestId('federation-server-facts');
        const fact = async (term) => (await facts.locator('dt', { hasText: new RegExp(`^${term}$`) })
            .locator('xpath=following-sibling::dd[1]').textContent())?.trim();
        const expected = { URL: anchor, 'Entity ID': anchor, 'HTTP status of /health': '200', Status: 'ok' };
        for (const [term, value] of Object.entries(expected)) {
            const displayed = await fact(term);
            if (displayed !== value) {
                fail(`the dashboard shows ${term} "${displayed}", expected "${value}"`);
            }
        }
        const served = await (await fetch(`${anchor}/status`)).json();
        if ((await fact('Version')) !== served.version) {
            fail(`the dashboard shows version "${await fact('Version')}", /status sends "${served.version}"`);
        }
        if (!/^\d+ ms$/.test((await fact('Latency')) ?? '')) {
            fail(`the latency "${await fact('Latency')}" is not a number of milliseconds`);
        }
        if (await page.getByTestId('federation-server-message').count() > 0) {
            fail(`the dashboard shows a message: ${await page.getByTestId('federation-server-message').textContent()}`);
        }
        await screenshot(page, 'dashboard-federation-server-1280');
    });

    await check('add a subordinate played by a loopback server (fetch-config preview, save)', async () => {
        await visit(page, base, '/subordinates');
        await page.getByRole('button', { name: 'Add subordinate' }).click();
        await page.getByLabel('Entity ID to fetch').fill(leaf.entityId);
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Fetch configuration' }).click(),
            successText(page, 'Fetched the entity configuration'));
        await page.getByRole('heading', { name: 'Preview' }).waitFor();
        const keys = await page.getByRole('cell', { name: leaf.publicJwk.kid }).count();
        if (keys < 1) {
            fail(`the preview does not list the entity's key ${leaf.publicJwk.kid}`);
        }
        const metadata = JSON.parse(await page.getByLabel('Metadata', { exact: true }).inputValue());
        if (!metadata.openid_relying_party) {
            fail('the fetched metadata in the editor lacks openid_relying_party');
        }
        await screenshot(page, 'subordinate-preview-1280');
        await expectAccessible(page, 'subordinate-preview-1280');
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Add subordinate' }).click(),
            successText(page, `Added ${leaf.entityId}.`));
        await page.getByRole('cell', { name: leaf.entityId, exact: true }).waitFor();
        // The federation server now serves the anchor's statement about it at /fetch.
        const fetched = await fetch(`${anchor}/fetch?sub=${encodeURIComponent(leaf.entityId)}`);
        if (fetched.status !== 200) {
            fail(`${anchor}/fetch for the new subordinate answered ${fetched.status}`);
        }
    });

    await check('a failed save shows the API error and keeps what was typed', async () => {
        await visit(page, base, '/subordinates');
        await page.getByRole('button', { name: 'Add subordinate' }).click();
        await page.getByLabel('Entity ID to fetch').fill(down.entityId);
        await page.getByRole('button', { name: 'Fetch configuration' }).click();
        await successText(page, 'Fetched the entity configuration').waitFor();
        const typed = '{\n  "note": "typed before the server stopped"\n}';
        await page.getByLabel('Additional claims').fill(typed);
        await page.getByLabel('Valid for (hours, empty for the default)').fill('24');
        await down.close();
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Add subordinate' }).click(),
            page.locator('.status-error'));
        const message = await page.locator('.status-error').last().textContent();
        if (!message?.includes(down.entityId) && !/fetch|connect|refused/i.test(message ?? '')) {
            fail(`the error does not say what failed: ${message}`);
        }
        if ((await page.getByLabel('Additional claims').inputValue()) !== typed) {
            fail('the additional claims typed before the failed save were lost');
        }
        if ((await page.getByLabel('Valid for (hours, empty for the default)').inputValue()) !== '24') {
            fail('the validity typed before the failed save was lost');
        }
        await screenshot(page, 'subordinate-save-failed-1280');
    });

    await check('renew a subordinate statement', async () => {
        await visit(page, base, '/subordinates');
        await expectWorkingThen(page, () => page.getByRole('button', { name: `Renew ${leaf.entityId}` }).click(),
            successText(page, `Renewed the statement for ${leaf.entityId}.`));
    });

    await check('invalid JSON blocks saving and keeps the text', async () => {
        await visit(page, base, '/subordinates');
        await page.getByRole('button', { name: `Edit ${leaf.entityId}` }).click();
        const editor = page.getByLabel('Additional claims');
        await editor.fill('{"broken": ');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByRole('alert').filter({ hasText: 'Fix the fields listed above before saving.' }).waitFor();
        if ((await editor.inputValue()) !== '{"broken": ') {
            fail('the typed text was lost after a refused save');
        }
    });

    await check('edit a subordinate and save', async () => {
        await visit(page, base, '/subordinates');
        await page.getByRole('button', { name: `Edit ${leaf.entityId}` }).click();
        await page.getByLabel('Additional claims').fill('{"browser_test": true}');
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Save', exact: true }).click(),
            successText(page, 'Saved and republished.'));
    });

    const markType = `https://tm.test/browser-${Date.now()}`;
    await check('create a trust mark type', async () => {
        await visit(page, base, '/trustmarktypes');
        await page.getByLabel('Trust mark type (URL)').fill(markType);
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Create' }).click(),
            successText(page, 'Trust mark type created.'));
        await page.getByRole('cell', { name: markType, exact: true }).first().waitFor();
    });

    await check('issue a trust mark and show it decoded', async () => {
        await visit(page, base, '/trustmarks');
        await page.getByLabel('Trust mark type', { exact: true }).selectOption({ label: markType });
        await page.getByLabel('Entity ID of the holder').fill(leaf.entityId);
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Issue' }).click(),
            successText(page, 'Trust mark issued.'));
        const payload = await page.locator('.jwt-parts pre').nth(1).textContent();
        if (!payload?.includes(leaf.entityId) || !payload.includes(markType)) {
            fail('the decoded trust mark payload lacks the holder or the type');
        }
        await screenshot(page, 'trustmark-issued-1280');
        await expectAccessible(page, 'trustmark-issued-1280');
    });

    await check('copy the trust mark JWT and renew the mark', async () => {
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
        const section = page.locator('section').filter({ has: page.getByRole('heading', { name: /^Trust mark of/ }) });
        await section.getByRole('button', { name: 'Copy JWT' }).click();
        await section.getByText('JWT copied to the clipboard').waitFor();
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        if (copied.split('.').length !== 3) {
            fail(`the clipboard does not contain a compact JWT: ${copied.slice(0, 40)}`);
        }
        await page.getByLabel('Show the marks of one entity').fill(leaf.entityId);
        await page.getByRole('button', { name: 'Filter' }).click();
        await settle(page);
        const row = page.getByRole('row').filter({ hasText: markType });
        await expectWorkingThen(page,
            () => row.getByRole('button', { name: `Renew the trust mark of ${leaf.entityId}` }).click(),
            successText(page, `Renewed the mark for ${leaf.entityId}.`));
    });

    await check('revoke the trust mark', async () => {
        await page.getByLabel('Show the marks of one entity').fill(leaf.entityId);
        await page.getByRole('button', { name: 'Filter' }).click();
        await settle(page);
        const row = page.getByRole('row').filter({ hasText: markType });
        await expectWorkingThen(page,
            () => row.getByRole('button', { name: `Revoke the trust mark of ${leaf.entityId}` }).click(),
            successText(page, `Revoked the mark for ${leaf.entityId}.`));
        await row.getByText('revoked').waitFor();
    });

    await check('find the audit entry of the revocation with its before/after diff', async () => {
        await visit(page, base, '/auditlog');
        await page.getByLabel('Action').fill('revoke');
        await page.getByLabel('Resource type').fill('trust_mark');
        await page.getByRole('button', { name: 'Apply filters' }).click();
        await settle(page);
        const rows = await page.locator('tbody tr').count();
        if (rows < 1) {
            fail('no audit entry with action revoke on trust_mark');
        }
        await page.getByRole('button', { name: /^Show audit entry/ }).first().click();
        await page.getByRole('heading', { name: 'Before and after' }).waitFor();
        const activeRow = page.locator('table.diff tr').filter({ hasText: '$.active' });
        await activeRow.waitFor();
        const text = await activeRow.textContent();
        if (!text?.includes('true') || !text.includes('false')) {
            fail(`the diff row for $.active does not show true to false: ${text}`);
        }
        await screenshot(page, 'auditlog-entry-1280');
        await expectAccessible(page, 'auditlog-entry-1280');
    });

    await check('create an API key (shown once), then revoke it', async () => {
        const name = `browser-test-${Date.now()}`;
        await visit(page, base, '/apikeys');
        await page.getByLabel('Name').fill(name);
        await page.getByLabel('Expires after (days, empty for never)').fill('1');
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Create key' }).click(),
            successText(page, 'API key created.'));
        const key = await page.locator('#new-key').inputValue();
        if (key.length < 16) {
            fail(`the new key is too short to be real: ${key.length} characters`);
        }
        // The key works against the API until it is revoked.
        const before = await fetch(`${base}/api/v1/auth/me`, { headers: { 'X-API-Key': key } });
        if (before.status !== 200) {
            fail(`the new key is refused by the API: ${before.status}`);
        }
        await screenshot(page, 'apikey-created-1280');
        await page.getByRole('button', { name: 'I have saved it' }).click();
        await page.reload();
        await settle(page);
        if ((await page.content()).includes(key)) {
            fail('the full key is still on the page after reloading');
        }
        await expectWorkingThen(page, () => page.getByRole('button', { name: `Revoke API key ${name}` }).click(),
            successText(page, `Revoked "${name}".`));
        const after = await fetch(`${base}/api/v1/auth/me`, { headers: { 'X-API-Key': key } });
        if (after.status !== 401) {
            fail(`the revoked key still answers ${after.status}`);
        }
    });

    await check('publish the entity configuration and show it decoded', async () => {
        await visit(page, base, '/server');
        await expectWorkingThen(page,
            () => page.getByRole('button', { name: 'Publish entity configuration' }).click(),
            successText(page, 'Entity configuration signed and published.'));
        await settle(page);
        const payload = await page.locator('section').filter({ hasText: 'Published entity configuration' })
            .locator('.jwt-parts pre').nth(1).textContent();
        if (!payload?.includes(`"iss": "${anchor}"`)) {
            fail('the decoded entity configuration does not name the anchor as iss');
        }
        const served = await fetch(`${anchor}/.well-known/openid-federation`);
        if (served.status !== 200) {
            fail(`the federation server answers ${served.status} for its entity configuration`);
        }
        await screenshot(page, 'server-published-1280');
    });

    await check('walk the collection and show the leaf in the tree', async () => {
        const walker = join(env.binDir, 'inmor-collection');
        if (!existsSync(walker)) {
            throw new Error(`${walker} is not built; build the inmor-collection target`);
        }
        const walked = (await runProgram(walker, ['-c', env.config, anchor])).trim().split('\n').slice(-8).join(' | ');
        await visit(page, base, '/tree');
        const picture = page.getByRole('img', { name: /^Tree of \d+ entities/ });
        await picture.waitFor();
        const name = await picture.getAttribute('aria-label');
        if (!name?.startsWith('Tree of 2 entities')) {
            fail(`the tree should show the anchor and the leaf: ${name} (inmor-collection: ${walked})`);
        }
        const leafHost = new URL(leaf.entityId).host;
        await page.locator('.entity-list button').filter({ hasText: new RegExp(`Browser test RP|${leafHost}`) })
            .click();
        await page.getByRole('heading', { level: 2, name: leaf.entityId }).waitFor();
        const superiors = await page.locator('dl.facts dd').nth(1).textContent();
        if (!superiors?.includes(anchor)) {
            fail(`the leaf's superiors do not name the anchor: ${superiors}`);
        }
        await screenshot(page, 'tree-walked-1280');
        await expectAccessible(page, 'tree-walked-1280');
    });

    await check('resolve a leaf in the inspector', async () => {
        await visit(page, base, '/resolve');
        await page.getByLabel('Entity ID to resolve').fill(leaf.entityId);
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Resolve' }).click(),
            successText(page, 'Resolved a chain of'));
        await page.getByRole('heading', { name: /^Trust chain/ }).waitFor();
        const statements = await page.locator('ol.chain > li').count();
        if (statements < 2) {
            fail(`the chain has ${statements} statements; a leaf needs at least 2`);
        }
        await screenshot(page, 'resolve-result-1280');
        await expectAccessible(page, 'resolve-result-1280');
    });

    await check('publish the historical keys', async () => {
        await visit(page, base, '/server');
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Publish historical keys' }).click(),
            successText(page, 'Historical keys signed and published.'));
        const served = await fetch(`${anchor}/historical_keys`);
        if (served.status !== 200) {
            fail(`the federation server answers ${served.status} for its historical keys`);
        }
    });

    await check('add a user', async () => {
        await visit(page, base, '/users');
        await page.getByLabel('Username').fill('operator2');
        await page.getByLabel('Email').fill('operator2@example.test');
        await page.getByLabel('Password').fill('operator2-password');
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Add user' }).click(),
            successText(page, 'User created.'));
        await page.getByRole('cell', { name: 'operator2', exact: true }).waitFor();
    });

    // Last, since the leaf then leaves /fetch and the collection.
    await check('deactivate a subordinate', async () => {
        await visit(page, base, '/subordinates');
        await expectWorkingThen(page,
            () => page.getByRole('button', { name: `Deactivate ${leaf.entityId}` }).click(),
            successText(page, `Deactivated ${leaf.entityId}.`));
        await page.getByRole('row').filter({ hasText: leaf.entityId }).getByText('inactive').waitFor();
        const fetched = await fetch(`${anchor}/fetch?sub=${encodeURIComponent(leaf.entityId)}`);
        if (fetched.status !== 404) {
            fail(`${anchor}/fetch still serves the deactivated subordinate: ${fetched.status}`);
        }
    });

    await context.close();
    return { loggedIn: true, markType };
}

// Every view at both widths: axe, screenshot, no horizontal overflow, Tab walk.
async function runViews(browser, base) {
    for (const width of kWidths) {
        const { context, page } = await newContext(browser, width);
        if (!await check(`sign in for the view checks at ${width}px`, () => signIn(page, base))) {
            await context.close();
            continue;
        }
        for (const [name, path, heading] of kViews) {
            await check(`view ${name} at ${width}px: axe, overflow, keyboard, screenshot`, async () => {
                await page.goto(`${base}/#${path}`);
                await settle(page);
                if (heading) {
                    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
                }
                const errors = await page.locator('.status-error').allTextContents();
                await screenshot(page, `${name}-${width}`);
                await expectAccessible(page, `${name}-${width}`);
                if (errors.length > 0) {
                    fail(`the view shows an error: ${errors.join(' | ')}`);
                }
                await expectNoOverflow(page, width);
                await expectTabReachesEverything(page);
            });
        }
        if (width < 720) {
            await check(`menu opens by keyboard at ${width}px`, async () => {
                await visit(page, base, '/');
                await page.getByRole('button', { name: 'Menu' }).press('Enter');
                const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' });
                await link.waitFor();
                await screenshot(page, `menu-open-${width}`);
                await expectAccessible(page, `menu-open-${width}`);
                await expectNoOverflow(page, width);
                await expectTabReachesEverything(page);
                await link.focus();
                await page.keyboard.press('Enter');
                await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
            });
        }
        await check(`skip link is the first tab stop at ${width}px`, async () => {
            await visit(page, base, '/');
            await page.evaluate(() => (document.activeElement instanceof HTMLElement) && document.activeElement.blur());
            await page.keyboard.press('Tab');
            const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
            if (first !== 'Skip to content') {
                fail(`the first tab stop is "${first}", expected the skip link`);
            }
        });
        await context.close();
    }
}

// TOTP: enrol with a code computed here, sign out, sign in again with a code.
async function runTotp(browser, base) {
    const { context, page } = await newContext(browser, 390);
    let secret = '';
    await check('enrol TOTP with the QR code drawn locally', async () => {
        await signIn(page, base);
        await visit(page, base, '/users');
        await expectWorkingThen(page,
            () => page.getByRole('button', { name: 'Set up an authenticator app' }).click(),
            page.getByRole('img', { name: /^QR code of the TOTP secret/ }));
        const source = await page.getByRole('img', { name: /^QR code of the TOTP secret/ }).getAttribute('src');
        if (!source?.startsWith('data:image/png;base64,')) {
            fail(`the QR code is not a local data URL: ${source?.slice(0, 40)}`);
        }
        secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
        if (!/^[A-Z2-7]{16,}=*$/.test(secret)) {
            fail(`the secret shown for typing by hand is not base32: ${secret}`);
        }
        await screenshot(page, 'users-enrolment-390');
        await expectAccessible(page, 'users-enrolment-390');
        await expectNoOverflow(page, 390);
        await page.getByLabel('Code shown by the app').fill(await freshTotp(secret));
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Confirm' }).click(),
            successText(page, 'Two-factor authentication is on.'));
        const codes = await page.locator('.secret-box li').count();
        if (codes < 1) {
            fail('no recovery codes were shown after enrolment');
        }
        await screenshot(page, 'users-recovery-codes-390');
    });
    await check('sign out', async () => {
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('heading', { name: 'Sign in to the trust anchor admin' }).waitFor();
        const me = await context.request.get(`${base}/api/v1/auth/me`);
        if (me.status() !== 401) {
            fail(`after signing out /auth/me answers ${me.status()}`);
        }
    });
    await check('login with TOTP', async () => {
        if (!secret) {
            fail('enrolment failed, so there is no secret to sign in with');
        }
        await page.goto(`${base}/#/login`);
        await page.getByLabel('Username').fill(kUsername);
        await page.getByLabel('Password').fill(kPassword);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByLabel('Authentication code').waitFor();
        await screenshot(page, 'login-totp-390');
        await expectAccessible(page, 'login-totp-390');
        await page.getByLabel('Authentication code').fill('000000');
        await expectWorkingThen(page, () => page.getByRole('button', { name: 'Verify' }).click(),
            page.getByRole('alert').filter({ hasText: 'invalid MFA code' }));
        await page.getByLabel('Authentication code').fill(await freshTotp(secret));
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        await visit(page, base, '/users');
        await page.getByText('Status: on (TOTP)').waitFor();
    });
    await context.close();
}

// After the views: once inmor is stopped, the dashboard must show it as down. Nothing
// that runs later needs the federation server.
async function runFederationServerDown(browser, instance) {
    const { context, page } = await newContext(browser, 1280);
    await check('dashboard shows a stopped federation server as down', async () => {
        await instance.stopInmor();
        await signIn(page, instance.adminUrl);
        await visit(page, instance.adminUrl, '/');
        const state = page.getByTestId('federation-server-state');
        await state.filter({ hasText: /^\s*down\s*$/ }).waitFor({ timeout: kTimeoutMs });
        const message = (await page.getByTestId('federation-server-message').textContent()) ?? '';
        if (!message.includes(`${instance.anchor}/health`)) {
            fail(`the message does not name ${instance.anchor}/health: ${message}`);
        }
        await screenshot(page, 'dashboard-federation-server-down-1280');
        await expectAccessible(page, 'dashboard-federation-server-down-1280');
    });
    await context.close();
}

const kChromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function launchBrowser() {
    const executablePath = kChromiumPath;
    // playwright-core gives each launch a fresh temporary profile directory and deletes
    // it on close. Its launch() rejects --user-data-dir, so none is passed here.
    return chromium.launch({ executablePath, headless: true, args: kChromiumArgs });
}

async function main() {
    // A missing browser fails the run: skipping would let CI pass without testing the UI.
    if (!existsSync(kChromiumPath)) {
        throw new Error(`${kChromiumPath} is missing: install Debian's chromium (scripts/install-deps.sh)`);
    }
    if (kPart !== 'main' && kPart !== 'resolve') {
        throw new Error(`--part=${kPart} is unknown; the parts are main and resolve`);
    }
    const binDir = process.env.INMOR_BIN_DIR ?? join(kWorktree, 'build', 'asan', 'src', 'cli');
    if (kPart === 'main') {
        await rm(kScreenshotDir, { recursive: true, force: true });
    }
    await mkdir(kScreenshotDir, { recursive: true });

    const instance = await startInstance({
        binDir, uiDir: join(kWebuiDir, 'dist'), username: kUsername, password: kPassword,
    });
    const leaf = await startEntityServer({ anchor: instance.anchor, name: 'Browser test RP' });
    const down = await startEntityServer({ anchor: instance.anchor, name: 'Stopped RP' });
    let browser = null;
    try {
        browser = await launchBrowser();
        const env = {
            base: instance.adminUrl, anchor: instance.anchor, config: instance.config, binDir, leaf, down,
        };
        const flows = await runFlows(browser, env);
        if (flows.loggedIn && kPart === 'main') {
            await runViews(browser, instance.adminUrl);
            // Before TOTP enrolment, which makes a password-only sign-in impossible.
            await runFederationServerDown(browser, instance);
            await runTotp(browser, instance.adminUrl);
        }
    } finally {
        await browser?.close();
        await leaf.close();
        await down.close().catch(() => {});
        await instance.stop();
        if (process.env.INMOR_KEEP_HOME === '1') {
            console.log(`instance folder kept: ${instance.home}`);
        } else {
            instance.remove();
        }
    }

    record('no request leaves 127.0.0.1', blockedRequests.length > 0 ? 'failed' : 'passed',
        blockedRequests.length > 0
            ? `${blockedRequests.length} blocked: ${[...new Set(blockedRequests)].slice(0, 5).join(', ')}`
            : '');
    record('no uncaught page errors', pageErrors.length > 0 ? 'failed' : 'passed',
        pageErrors.slice(0, 3).join(' | '));

    const count = (status) => results.filter((r) => r.status === status).length;
    await writeFile(join(kResultsDir, kPart === 'main' ? 'browser-report.json' : `browser-report-${kPart}.json`),
        JSON.stringify({ results, blockedRequests, pageErrors, axe: axeReport }, null, 2));
    console.log(`screenshots: ${kScreenshotDir}`);
    console.log(`browser: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
    // A part that passed nothing failed, whatever it skipped.
    const nothingPassed = count('passed') === 0;
    process.exitCode = count('failed') > 0 || nothingPassed ? 1 : 0;
}

main().catch((error) => {
    console.error(`browser tests could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
});
