// A fresh trust anchor for the browser tests. The built binaries (INMOR_BIN_DIR) run in a
// temporary folder with their own keys, SQLite admin database and embedded federation
// store. `inmor-admin serve` serves the built web UI at / and `inmor` serves the
// federation endpoints, each on a free 127.0.0.1 port. The admin's
// federation_server_url names that inmor, so the dashboard shows it. Nothing is built here.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const kStartTimeoutMs = 60_000;

/** Returns a port that the kernel hands out on 127.0.0.1 and that is free right now. */
export function freePort() {
    return new Promise((resolve, reject) => {
        const probe = createServer();
        probe.once('error', reject);
        probe.listen(0, '127.0.0.1', () => {
            const { port } = probe.address();
            probe.close(() => resolve(port));
        });
    });
}

function binary(binDir, name) {
    const path = join(binDir, name);
    if (!existsSync(path)) {
        throw new Error(`${path} is missing: build the C++ targets first or set INMOR_BIN_DIR`);
    }
    return path;
}

/**
 * Runs a program to its end and returns its stdout and stderr, or throws with them when it
 * fails. It blocks this process, so loopback servers of this process cannot serve it.
 */
function runCommand(program, args, env = {}) {
    const result = spawnSync(program, args, {
        env: { ...process.env, ...env },
        encoding: 'utf8',
        timeout: 120_000,
    });
    if (result.status !== 0) {
        const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
        throw new Error(`${program} ${args.join(' ')} exited with ${result.status}: ${output}`);
    }
    return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/**
 * Runs a program to its end without blocking this process, and resolves to its stdout and
 * stderr. The promise rejects with them when it fails or runs longer than `timeoutMs`.
 */
export function runProgram(program, args, timeoutMs = 120_000) {
    return new Promise((resolve, reject) => {
        const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk) => { output += chunk; });
        child.stderr.on('data', (chunk) => { output += chunk; });
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('error', reject);
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            if (code === 0) {
                resolve(output);
                return;
            }
            const tail = output.trim().split('\n').slice(-5).join(' | ');
            reject(new Error(`${program} ${args.join(' ')} exited with ${code ?? signal}: ${tail}`));
        });
    });
}

async function waitUntilUp(url, child, name) {
    const deadline = Date.now() + kStartTimeoutMs;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) {
            throw new Error(`${name} exited with ${child.exitCode} while starting; see its log`);
        }
        try {
            await fetch(url, { signal: AbortSignal.timeout(2000) });
            return;
        } catch {
            await new Promise((resolve) => setTimeout(resolve, 200));
        }
    }
    throw new Error(`${name} did not answer ${url} within ${kStartTimeoutMs / 1000} s`);
}

/** Sends SIGTERM to a running child and waits for its exit, with SIGKILL after 10 s. */
async function stopChild(child) {
    if (child.exitCode !== null || child.signalCode !== null) {
        return;
    }
    child.kill('SIGTERM');
    await new Promise((resolve) => {
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
        }, 10_000);
        child.once('exit', () => {
            clearTimeout(timer);
            resolve();
        });
    });
}

function startProcess(program, args, logPath) {
    const log = openSync(logPath, 'a');
    return spawn(program, args, { stdio: ['ignore', log, log] });
}

/**
 * Makes and starts the instance. Returns {home, config, adminUrl, anchor, logs, stop(),
 * stopInmor(), remove()}:
 * stop() ends both servers, stopInmor() ends only the federation server and remove()
 * deletes the folder.
 */
export async function startInstance({ binDir, uiDir, username, password }) {
    const admin = binary(binDir, 'inmor-admin');
    const inmor = binary(binDir, 'inmor');
    const keygen = binary(binDir, 'inmor-keygeneration');
    if (!existsSync(join(uiDir, 'index.html'))) {
        throw new Error(`${uiDir}/index.html is missing: run "npm run build" in webui first`);
    }

    const home = mkdtempSync(join(tmpdir(), 'inmor-webui-browser-'));
    const adminPort = await freePort();
    const inmorPort = await freePort();
    const anchor = `http://127.0.0.1:${inmorPort}`;
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    runCommand(keygen, ['--type=ES256', `--output=${home}`]);

    const config = join(home, 'taconfig.toml');
    writeFileSync(config, [
        `domain = "${anchor}"`,
        'allow_http = true',
        'data_dir = "data"',
        `listen = "127.0.0.1:${inmorPort}"`,
        'metrics_listen = ""',
        '[federation]',
        'organization_name = "Browser test federation"',
        '[admin]',
        `listen = "127.0.0.1:${adminPort}"`,
        'metrics_listen = ""',
        'database_url = "sqlite:data/admin.db"',
        'secret_key = "browser-test-secret-key-not-for-production"',
        'session_cookie_secure = false',
        `csrf_trusted_origins = ["${adminUrl}"]`,
        `federation_server_url = "${anchor}"`,
        `ui_dir = "${uiDir}"`,
        '',
    ].join('\n'));

    runCommand(admin, ['-c', config, 'migrate']);
    runCommand(admin, ['-c', config, 'setup_admin', '--username', username, '--noinput'],
        { INMOR_ADMIN_PASSWORD: password });

    const children = [];
    const logs = { admin: join(home, 'admin.log'), inmor: join(home, 'inmor.log') };
    const stop = async () => {
        for (const child of children) {
            await stopChild(child);
        }
    };
    try {
        const adminProcess = startProcess(admin, ['-c', config, 'serve'], logs.admin);
        children.push(adminProcess);
        await waitUntilUp(`${adminUrl}/api/v1/auth/csrf`, adminProcess, 'inmor-admin serve');
        const inmorProcess = startProcess(inmor, ['-c', config], logs.inmor);
        children.push(inmorProcess);
        await waitUntilUp(`${anchor}/health`, inmorProcess, 'inmor');
    } catch (error) {
        await stop();
        throw error;
    }
    return {
        home, config, adminUrl, anchor, logs, stop,
        stopInmor: () => stopChild(children[1]),
        remove: () => rmSync(home, { recursive: true, force: true }),
    };
}
