// node-redis (npm `redis`, v6: RESP3 by default) against redis-rust, run by tests/clients.rs.
// Usage: node node_redis.js PORT [PASSWORD]. Prints "ok" and exits 0 when every check passes.
'use strict';
const assert = require('node:assert/strict');
const { createClient } = require('redis');

async function main() {
  const [port, password] = process.argv.slice(2);
  const options = { socket: { host: '127.0.0.1', port: Number(port), reconnectStrategy: false } };
  if (password) {
    options.password = password;
    options.name = 'node-client';
  }
  const client = createClient(options);
  const errors = [];
  client.on('error', (e) => errors.push(e));
  await client.connect();

  assert.equal(await client.ping(), 'PONG');
  assert.equal(await client.set('node:k', 'v'), 'OK');
  assert.equal(await client.get('node:k'), 'v');
  assert.equal(await client.get('node:missing'), null);
  assert.equal(await client.incr('node:n'), 1);
  assert.equal(await client.incrBy('node:n', 41), 42);
  assert.equal(await client.incrByFloat('node:f', 1.5), '1.5');
  assert.equal(await client.append('node:k', 'w'), 2);
  assert.equal(await client.strLen('node:k'), 2);
  assert.deepEqual(await client.mGet(['node:k', 'node:missing', 'node:n']), ['vw', null, '42']);
  assert.equal(await client.set('node:k', 'x', { GET: true }), 'vw');
  assert.equal(await client.expire('node:k', 100), 1);
  const ttl = await client.ttl('node:k');
  assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await client.exists(['node:k', 'node:missing']), 1);
  assert.equal(await client.del(['node:k', 'node:n', 'node:f']), 3);
  // RESP3 types: CONFIG GET is a map, INFO verbatim text.
  assert.deepEqual(await client.configGet('databases'), { databases: '16' });
  const info = await client.info('server');
  assert.match(String(info), /redis_version:7\.0\.15/);
  const me = String(await client.sendCommand(['CLIENT', 'INFO']));
  assert.match(me, / resp=3\b/);
  if (password) {
    assert.match(me, / name=node-client /);
  }
  await client.quit();
  if (errors.length) {
    throw errors[0];
  }
  console.log('ok');
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
