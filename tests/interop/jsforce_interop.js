'use strict';
// jsforce 3.10.8, unchanged, against the sfrpc emulator. Run as
//   NODE_EXTRA_CA_CERTS=CA node --require ./route-to-emulator.js jsforce_interop.js
// with SFRPC_EMULATOR_ADDR, SFRPC_EMULATOR_CA and SFRPC_INTEROP_PLAN set (README.md).
// Prints one JSON line per check; exits non-zero when any check failed. Never prints a
// password, token or session id.
const fs = require('fs');
const https = require('https');
const jsforce = require('jsforce');

const CLIENT = 'jsforce';
const VERSION = '64.0';
const addr = process.env.SFRPC_EMULATOR_ADDR;
const emulatorPort = Number(addr.slice(addr.lastIndexOf(':') + 1));
// loginUrl pointed at the emulator: it answers localhost as login.salesforce.com (its CA is
// trusted through NODE_EXTRA_CA_CERTS, its certificate names localhost).
const LOGIN_URL = `https://localhost:${emulatorPort}`;
const SANDBOX_LOGIN_URL = 'https://test.salesforce.com';
const INVALID_LOGIN = 'Invalid username, password, security token; or user locked out.';
const MUST_USE_TOKEN =
  'LOGIN_MUST_USE_SECURITY_TOKEN: ' +
  INVALID_LOGIN +
  ' Are you at a new location? When accessing Salesforce--either via a desktop client or the' +
  ' API--from outside of your company\u2019s trusted networks, you must add a security token' +
  ' to your password to log in. To get your new security token, log in to Salesforce. From' +
  ' your personal settings, enter Reset My Security Token in the Quick Find box, then select' +
  ' Reset My Security Token.';
const EXPIRED = 'Unable to login because the used password has expired.';

const ca = fs.readFileSync(process.env.SFRPC_EMULATOR_CA);
const plan = JSON.parse(fs.readFileSync(process.env.SFRPC_INTEROP_PLAN, 'utf8'));

// Values that must never reach stdout.
const secrets = [];
for (const user of Object.values(plan)) {
  for (const key of ['password', 'new_password', 'js_new_password', 'token']) {
    if (user[key]) secrets.push(user[key]);
  }
}

function scrub(text) {
  let out = String(text);
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

let failed = 0;
function emit(check, ok, detail) {
  if (!ok) failed += 1;
  const line = { client: CLIENT, check, ok, detail: scrub(detail || '') };
  process.stdout.write(JSON.stringify(line) + '\n');
}

async function run(check, fn) {
  try {
    emit(check, true, await fn());
    return true;
  } catch (err) {
    emit(check, false, `${err && err.name}: ${err && err.message}`);
    return false;
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function login(user, password, loginUrl = LOGIN_URL) {
  const conn = new jsforce.Connection({ loginUrl, version: VERSION });
  const info = await conn.login(user, password);
  if (conn.accessToken) secrets.push(conn.accessToken);
  return { conn, info };
}

async function expectLoginError(user, password, expected, loginUrl = LOGIN_URL) {
  let conn;
  try {
    ({ conn } = await login(user, password, loginUrl));
  } catch (err) {
    expect(err.message === expected, `error ${JSON.stringify(err.message)}`);
    return `Error: ${expected.split(':')[0]}`;
  }
  throw new Error(`login succeeded (${conn.instanceUrl}), expected ${expected.split(':')[0]}`);
}

function soqlLiteral(value) {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function userId(conn, username) {
  const result = await conn.query(`SELECT Id FROM User WHERE Username = ${soqlLiteral(username)}`);
  expect(result.totalSize === 1, `totalSize ${result.totalSize}`);
  const id = result.records[0].Id;
  expect(/^005[0-9A-Za-z]{15}$/.test(id), `Id ${id}`);
  return id;
}

function latestToken(username) {
  return new Promise((resolve, reject) => {
    const req = https.get(`https://${addr}/__emulator/outbox`, { ca, timeout: 15000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`outbox HTTP ${res.statusCode}`));
        const entries = JSON.parse(body).filter(
          (e) =>
            String(e.username).toLowerCase() === username.toLowerCase() &&
            e.kind === 'security_token',
        );
        for (const e of entries) secrets.push(e.token);
        entries.sort((a, b) => b.seq - a.seq);
        resolve(entries[0] || null);
      });
    });
    req.on('timeout', () => req.destroy(new Error('outbox timed out')));
    req.on('error', reject);
  });
}

async function main() {
  const { admin, target, wrong_password: wrong, token_user: tokenUser, sandbox, expired } = plan;
  const state = {};

  await run('soap_login', async () => {
    const { conn, info } = await login(admin.username, admin.password + (admin.token || ''));
    expect(/^005/.test(info.id) && /^00D/.test(info.organizationId), `ids ${info.id}`);
    expect(/^https:\/\/[^/:]+\.my\.salesforce\.com(:\d+)?$/.test(conn.instanceUrl), conn.instanceUrl);
    state.admin = conn;
    return `instanceUrl ${conn.instanceUrl}`;
  });

  await run('login_url_localhost', async () => {
    expect(state.admin, 'no admin session (login failed)');
    expect(state.admin.loginUrl === LOGIN_URL, `loginUrl ${state.admin.loginUrl}`);
    const routed = globalThis.__sfrpcRouted || [];
    expect(!routed.includes('login.salesforce.com'), 'the login went through the hook');
    // The instance keeps the port the login came in on.
    expect(state.admin.instanceUrl.endsWith(`.my.salesforce.com:${emulatorPort}`), state.admin.instanceUrl);
    return `loginUrl https://localhost:PORT, instanceUrl ${state.admin.instanceUrl}`;
  });

  await run('rest_query_user', async () => {
    expect(state.admin, 'no admin session (login failed)');
    state.targetId = await userId(state.admin, target.username);
    const latest = await latestToken(target.username);
    state.outboxSeq = latest ? latest.seq : 0;
    return `Id ${state.targetId}`;
  });

  await run('soap_set_password', async () => {
    expect(state.targetId, 'no target user id (query failed)');
    const result = await state.admin.soap.setPassword(state.targetId, target.js_new_password);
    expect(result === '', `setPassword returned ${JSON.stringify(result)}, expected ''`);
    return 'setPasswordResponse';
  });

  if (target.needs_token) {
    await run('new_token_in_outbox', async () => {
      const latest = await latestToken(target.username);
      expect(latest, 'no security_token in the outbox');
      expect(latest.seq > state.outboxSeq, 'no new token after the password change');
      expect(latest.token !== target.token, 'the token did not change');
      state.newToken = latest.token;
      return `seq ${latest.seq}`;
    });
  }
  const targetToken = target.needs_token ? state.newToken || '' : '';

  await run('login_new_password', async () => {
    const { conn, info } = await login(target.username, target.js_new_password + targetToken);
    expect(info.id === state.targetId, `user id ${info.id}`);
    state.target = conn;
    return `instanceUrl ${conn.instanceUrl}`;
  });

  await run('soap_logout', async () => {
    expect(state.target, 'no target session (login failed)');
    await state.target.logout();
    return 'logoutResponse';
  });

  await run('old_password_refused', () =>
    expectLoginError(target.username, target.password + targetToken, `INVALID_LOGIN: ${INVALID_LOGIN}`),
  );

  await run('invalid_login', () =>
    expectLoginError(
      wrong.username,
      'Not-the-password-42' + (wrong.token || ''),
      `INVALID_LOGIN: ${INVALID_LOGIN}`,
    ),
  );

  await run('missing_token', () =>
    expectLoginError(tokenUser.username, tokenUser.password, MUST_USE_TOKEN),
  );

  await run('expired_password', () =>
    expectLoginError(expired.username, expired.password + (expired.token || ''), EXPIRED),
  );

  await run('sandbox_login', async () => {
    const { conn } = await login(
      sandbox.username,
      sandbox.password + (sandbox.token || ''),
      SANDBOX_LOGIN_URL,
    );
    expect(/\.sandbox\.my\.salesforce\.com$/.test(conn.instanceUrl), conn.instanceUrl);
    await userId(conn, sandbox.username);
    return `instanceUrl ${conn.instanceUrl}`;
  });

  await run('routed_by_name', async () => {
    const names = [...new Set(globalThis.__sfrpcRouted || [])].sort();
    expect(!names.includes('login.salesforce.com'), `saw ${names.join(' ')}`);
    expect(names.includes('test.salesforce.com'), `saw ${names.join(' ')}`);
    expect(names.some((n) => n.endsWith('.my.salesforce.com')), `saw ${names.join(' ')}`);
    return names.join(' ');
  });

  return failed === 0 ? 0 : 1;
}

main()
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      emit('script', false, `${err && err.name}: ${err && err.message}`);
      process.exitCode = 1;
    },
  )
  .finally(() => https.globalAgent.destroy());
