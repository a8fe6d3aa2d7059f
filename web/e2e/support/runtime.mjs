//! Starts the real local runtime (`skyforge-local serve --seed-demo`) for the browser tests
//! and the dashboard benchmark: on a free port, against the AWS stand-in named by
//! AWS_ENDPOINT_URL, with a table, signing key and queue of its own, serving the built app
//! from web/dist. `stop()` ends it by its PID.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const DEMO_EMAIL = 'demo@skyforge.local';
export const DEMO_PASSWORD = 'skyforge-demo-password';

const webDir = new URL('../..', import.meta.url).pathname;
export const artifactsDir = join(webDir, '..', '.run', 'test-artifacts');
const terraformrc = join(webDir, '..', '.tools', 'terraformrc');

/// Starts the runtime and resolves once it listens. `env` adds variables (the benchmark's
/// bulk seeding). The runtime's log goes to .run/test-artifacts/<name>.log.
export async function startRuntime({ name = 'web-e2e', env = {}, startTimeoutMs = 120_000 } = {}) {
  const bin = process.env.SKYFORGE_LOCAL_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error('SKYFORGE_LOCAL_BIN must name the built skyforge-local (cargo build -p skyforge-local)');
  }
  if (!process.env.AWS_ENDPOINT_URL) {
    throw new Error('AWS_ENDPOINT_URL must name the AWS stand-in: run through `infra/scripts/web.sh e2e` or `make test`');
  }
  const distIndex = join(webDir, 'dist', 'index.html');
  if (!existsSync(distIndex)) throw new Error('web/dist is not built: run `npm run build` first');

  mkdirSync(artifactsDir, { recursive: true });
  const id = `${name}-${randomBytes(6).toString('hex')}`;
  const logPath = join(artifactsDir, `${name}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(bin, ['serve', '--seed-demo'], {
    env: {
      ...process.env,
      SKYFORGE_PORT: '0',
      SKYFORGE_TABLE_NAME: id,
      SKYFORGE_JWT_SECRET_ID: `${id}/jwt`,
      SKYFORGE_SYNC_QUEUE_NAME: id,
      SKYFORGE_SYNC_INTERVAL_SECS: '0',
      SKYFORGE_WEB_DIR: join(webDir, 'dist'),
      // The sandbox deployment's terraform init needs the offline provider mirror
      // (infra/local/install-terraform.sh): an inherited TF_CLI_CONFIG_FILE naming a missing
      // file would hide it.
      ...(existsSync(terraformrc) && !existsSync(process.env.TF_CLI_CONFIG_FILE ?? '')
        ? { TF_CLI_CONFIG_FILE: terraformrc }
        : {}),
      RUST_LOG: process.env.RUST_LOG ?? 'info,aws_config=warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skyforge-local did not listen within ${startTimeoutMs} ms; see ${logPath}`)), startTimeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      const match = /^skyforge-local listening on (http:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`skyforge-local exited (${code ?? signal}) before listening; see ${logPath}`));
    });
  });

  let stopped = false;
  return {
    baseUrl,
    logPath,
    pid: child.pid,
    /// SIGTERM by PID (graceful shutdown), SIGKILL if it is still there after 10 s.
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/// A tiny API client for set-up steps the browser does not need to show.
export async function api(baseUrl, method, path, { token, body } = {}) {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/// Waits until the first sync of every demo account (AWS, Azure, GCP) has finished and at least
/// `minResources` are in the inventory (the runtime syncs them in the background after it
/// starts; an account shows on the dashboard once its first sync has written its summary).
export async function waitForDemoSync(baseUrl, { minResources = 1, accounts = 3, timeoutMs = 180_000 } = {}) {
  const login = await api(baseUrl, 'POST', '/v1/auth/login', { body: { email: DEMO_EMAIL, password: DEMO_PASSWORD } });
  if (login.status !== 200) throw new Error(`demo login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.access_token;
  const me = await api(baseUrl, 'GET', '/v1/me', { token });
  const orgId = me.body.organizations[0].id;
  const userId = me.body.user.id;
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await api(baseUrl, 'GET', `/v1/orgs/${orgId}/dashboard`, { token });
    const syncs = (last.body?.credentials ?? []).map((c) => c.last_sync?.status);
    const finished =
      syncs.length >= accounts && syncs.every((status) => status && status !== 'queued' && status !== 'running');
    if (finished && last.body.totals.resources >= minResources) return { orgId, userId, totals: last.body.totals };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the demo sync did not finish within ${timeoutMs} ms; last dashboard: ${JSON.stringify(last?.body)}`);
}
