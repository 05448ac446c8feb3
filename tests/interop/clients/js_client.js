// Autobahn|JS (npm `autobahn`, run by node with NODE_PATH set) against a router:
//
//     node js_client.js @request.json
//
// The request is clients/common.py's: {"scenarios": [{name, url, serializer, realm,
// authentication, prefix}], ...}. For each scenario, one Connection (max_retries 0): join
// (ticket, wampcra plain and salted, cryptosign by Autobahn|JS's own helpers), register and
// call (args, kwargs, a single value, progressive results, an application error), subscribe
// and publish (acknowledged, exclude_me false), leave. Prints `PEER-RESULT <json>` last.
'use strict';

const fs = require('fs');
const autobahn = require('autobahn');

const STEP_TIMEOUT_MS = 10000;

function loadRequest(arg) {
   const text = arg.startsWith('@') ? fs.readFileSync(arg.slice(1), 'utf8') : arg;
   return JSON.parse(text);
}

function serializerFor(name) {
   const s = autobahn.serializer;
   const table = {json: s.JSONSerializer, msgpack: s.MsgpackSerializer, cbor: s.CBORSerializer};
   if (!table[name]) {
      throw new Error('Autobahn|JS has no serializer ' + name);
   }
   return new table[name]();
}

function transportFor(sc) {
   const m = /^(\w+):\/\/([^:/]+):(\d+)/.exec(sc.url);
   if (m[1] === 'rs') {
      if (sc.serializer !== 'json') {
         throw new Error('Autobahn|JS RawSocket speaks json only');
      }
      return {type: 'rawsocket', host: m[2], port: Number(m[3])};
   }
   return {type: 'websocket', url: sc.url, serializers: [serializerFor(sc.serializer)]};
}

// Autobahn|JS's Connection options for the scenario's {method: options}.
function authOptions(authentication) {
   if (!authentication) {
      return {};
   }
   const method = Object.keys(authentication)[0];
   const o = authentication[method];
   const out = {authmethods: [method], authid: o.authid};
   if (method === 'ticket') {
      out.onchallenge = () => o.ticket;
   } else if (method === 'wampcra') {
      out.onchallenge = (session, m, extra) => {
         let key = o.secret;
         if (extra.salt) {
            key = autobahn.auth_cra.derive_key(o.secret, extra.salt, extra.iterations,
                                               extra.keylen);
         }
         return autobahn.auth_cra.sign(key, extra.challenge);
      };
   } else if (method === 'cryptosign') {
      const seed = Buffer.from(o.privkey, 'hex');
      const pkey = autobahn.nacl.sign.keyPair.fromSeed(new Uint8Array(seed));
      out.authextra = {pubkey: autobahn.auth_cryptosign.public_key(pkey)};
      out.onchallenge = (session, m, extra) => autobahn.auth_cryptosign.sign_challenge(pkey,
                                                                                      extra);
   } else {
      throw new Error('no Autobahn|JS authenticator for ' + method);
   }
   return out;
}

function withTimeout(promise, what) {
   return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(what + ': not within ' +
                                                      STEP_TIMEOUT_MS + ' ms')), STEP_TIMEOUT_MS);
      Promise.resolve(promise).then((v) => { clearTimeout(timer); resolve(v); },
                                    (e) => { clearTimeout(timer); reject(e); });
   });
}

function plainResult(r) {
   if (r instanceof autobahn.Result) {
      return {args: r.args, kwargs: r.kwargs};
   }
   return r;
}

async function steps(session, prefix) {
   const out = {};
   const uri = (name) => prefix + '.' + name;
   await session.register(uri('echo'), (args, kwargs) => new autobahn.Result(args, kwargs));
   await session.register(uri('add'), (args) => args[0] + args[1]);
   await session.register(uri('countdown'), (args, kwargs, details) => {
      for (let i = 0; i < args[0]; i++) {
         details.progress([i], {left: args[0] - i});
      }
      return 'done';
   });
   await session.register(uri('fails'), () => {
      throw new autobahn.Error('com.example.oops', [1, 'two'], {three: 3});
   });
   out.rpc = {
      echo: plainResult(await session.call(uri('echo'), [1, 'two', {nested: [1.5, null, true]}],
                                           {k: 'v', 'ünï': 'cödé'})),
      add: await session.call(uri('add'), [2, 3]),
   };
   const progress = [];
   const result = await new Promise((resolve, reject) => {
      session.call(uri('countdown'), [3], {}, {receive_progress: true}).then(
         resolve, reject, (p) => progress.push(p));
   });
   out.progress = {progress: progress, result: result};
   try {
      await session.call(uri('fails'));
      out.errors = {application: 'the call succeeded'};
   } catch (e) {
      out.errors = {application: {error: e.error, args: e.args, kwargs: e.kwargs}};
   }
   try {
      await session.call(uri('missing'));
      out.errors.no_such_procedure = 'the call succeeded';
   } catch (e) {
      out.errors.no_such_procedure = e.error;
   }
   const events = [];
   let arrived;
   const got = new Promise((resolve) => { arrived = resolve; });
   await session.subscribe(uri('topic'), (args, kwargs, details) => {
      events.push([args, kwargs]);
      if (args[0] === 'included') {
         arrived(details);
      }
   });
   session.publish(uri('topic'), ['excluded']);
   const pub = await session.publish(uri('topic'), ['included'], {n: [1, 2.5]},
                                     {acknowledge: true, exclude_me: false});
   const details = await withTimeout(got, 'the event');
   out.pubsub = {events: events, acknowledged_id: typeof pub.id === 'number' && pub.id > 0,
                 publication_matches: details.publication === pub.id};
   return out;
}

function runScenario(sc) {
   return new Promise((resolve) => {
      const out = {name: sc.name, joined: null, steps: null, left: null, error: null};
      let connection;
      let finished = false;
      const finish = () => {
         if (!finished) {
            finished = true;
            clearTimeout(guard);
            resolve(out);
         }
      };
      const guard = setTimeout(() => {
         out.error = out.error || 'the scenario did not finish within ' + 3 * STEP_TIMEOUT_MS +
                     ' ms';
         try { connection.close(); } catch (e) { /* already closed */ }
         finish();
      }, 3 * STEP_TIMEOUT_MS);
      try {
         connection = new autobahn.Connection(Object.assign({
            realm: sc.realm, transports: [transportFor(sc)], max_retries: 0,
            initial_retry_delay: 0.1,
         }, authOptions(sc.authentication)));
      } catch (e) {
         out.error = String(e);
         finish();
         return;
      }
      connection.onopen = (session, details) => {
         out.joined = {realm: session.realm, authid: details.authid, authrole: details.authrole,
                       authmethod: details.authmethod,
                       session_positive: typeof session.id === 'number' && session.id > 0};
         withTimeout(steps(session, sc.prefix), 'the steps').then((observed) => {
            out.steps = observed;
         }, (e) => {
            out.error = 'steps failed: ' + (e && e.stack ? e.stack : JSON.stringify(e));
         }).then(() => session.leave('wamp.close.normal', 'done'));
      };
      connection.onclose = (reason, details) => {
         out.left = details && details.reason ? details.reason : reason;
         if (!out.joined && !out.error) {
            out.error = 'did not join: ' + reason + ' ' + JSON.stringify(details);
         }
         finish();
         return true; // no reconnection
      };
      connection.open();
   });
}

async function main() {
   const request = loadRequest(process.argv[2]);
   const results = [];
   for (const sc of request.scenarios) {
      results.push(await runScenario(sc));
   }
   process.stdout.write('PEER-RESULT ' + JSON.stringify(results) + '\n');
   process.exit(0);
}

main().catch((e) => {
   process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
   process.exit(1);
});
