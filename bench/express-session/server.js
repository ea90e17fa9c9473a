// The baseline beside which `make bench` measures crumbs-server: an express-session app on
// its default MemoryStore answering the two routes the load uses, with the Crumbs
// protocol's bodies and lifetimes, so both servers do the same work per request.
//
//   node server.js [PORT]      (or PORT=... node server.js; 0 or nothing: a free port)
//
// Prints "listening on http://127.0.0.1:PORT" once it accepts connections: the bench
// reads the port from that line.
//
// A benchmark baseline, not a login server: the demo password is compared in plain text
// (crumbs-server keeps only salted hashes and checks them at login). The login route is
// hit once per run, so this does not flatter either side of the GET /api/session figure.
'use strict';

const express = require('express');
const session = require('express-session');

// The protocol's lifetimes (crates/crumbs-protocol/src/rules.rs): thirty minutes, or seven
// days with "Remember me".
const SESSION_MS = 30 * 60 * 1000;
const REMEMBERED_MS = 7 * 24 * 60 * 60 * 1000;
const ACCOUNTS = new Map([
  ['alice', 'wonderland'],
  ['bob', 'builder'],
]);

const app = express();
app.disable('x-powered-by');
app.use(
  session({
    name: 'crumbs.sid',
    // Fixed: the baseline's cookies need not survive anything but one bench run.
    secret: 'crumbs-bench-express-session-baseline',
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: false, path: '/' },
    // store: left out on purpose, so this is express-session's default MemoryStore.
  }),
);

function unauthorized(res, reason, error) {
  res.status(401).json({ reason, error });
}

app.post('/api/login', express.json({ limit: '16kb' }), (req, res, next) => {
  const body = req.body;
  if (
    body === null ||
    typeof body !== 'object' ||
    typeof body.username !== 'string' ||
    typeof body.password !== 'string' ||
    body.username.trim() === ''
  ) {
    res.status(400).json({
      reason: 'malformed_body',
      error: 'the login body must be a JSON object with a username and a password',
    });
    return;
  }
  const user = body.username.trim();
  if (ACCOUNTS.get(user) !== body.password) {
    unauthorized(res, 'bad_credentials', 'unknown user or wrong password');
    return;
  }
  const remember = body.remember === true;
  const lifetime = remember ? REMEMBERED_MS : SESSION_MS;
  // A new id at login, as crumbs-server does, against session fixation.
  req.session.regenerate((error) => {
    if (error) {
      next(error);
      return;
    }
    req.session.user = user;
    req.session.expiresAt = Date.now() + lifetime;
    if (remember) {
      req.session.cookie.maxAge = lifetime;
    }
    res.json({
      user,
      expires_at: req.session.expiresAt,
      how: 'express-session made a session and sent its signed id in a cookie',
    });
  });
});

app.get('/api/session', (req, res) => {
  if (!req.session.user) {
    unauthorized(res, 'unknown_session', 'no live session for this cookie: log in again');
    return;
  }
  if (req.session.expiresAt <= Date.now()) {
    req.session.destroy(() => unauthorized(res, 'expired', 'the session expired: log in again'));
    return;
  }
  res.json({
    user: req.session.user,
    expires_at: req.session.expiresAt,
    how: "the cookie's signed id matched a live session in express-session's MemoryStore",
  });
});

// Errors as the protocol's JSON bodies, not express's HTML page with a stack trace: a body
// that is not JSON (400), one over the limit (413), anything else (500).
app.use((error, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const status = error.status === 400 || error.status === 413 ? error.status : 500;
  const [reason, text] =
    status === 400
      ? ['malformed_body', 'the login body is not JSON']
      : status === 413
        ? ['body_too_large', 'the request body is larger than 16 KiB']
        : ['internal', 'the server could not do its part'];
  res.status(status).json({ reason, error: text });
});

const port = Number.parseInt(process.argv[2] ?? process.env.PORT ?? '0', 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`not a port: ${process.argv[2] ?? process.env.PORT}`);
  process.exit(2);
}
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
server.on('error', (error) => {
  console.error(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exit(1);
});
