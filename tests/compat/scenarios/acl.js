'use strict';
// A broker that requires signed requests: a producer and a consumer with the account's
// credentials send and receive; a producer signing with a wrong secret and one without
// credentials are refused with UNAUTHORIZED (40100), and, when a second account that may
// only subscribe is given, its producer with FORBIDDEN (40300); each at startup or at the send.
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_GROUP (default compat-acl),
// BERTH_ACCESS_KEY, BERTH_SECRET_KEY; optionally BERTH_READER_ACCESS_KEY and
// BERTH_READER_SECRET_KEY (an account with SUB but not PUB on the topic).

const assert = require('node:assert');
const { Producer, SimpleConsumer } = require('rocketmq-client-nodejs');
const { Code } = require('rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb');
const { AWAIT_DURATION_MS, REQUEST_TIMEOUT_MS, envVar, expectRefusal, receiveUntil, refusalOf,
  runScenario } = require('./lib');

runScenario('acl', { timeoutMs: 60000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const consumerGroup = envVar('BERTH_GROUP', 'compat-acl');
  const sessionCredentials = {
    accessKey: envVar('BERTH_ACCESS_KEY'),
    accessSecret: envVar('BERTH_SECRET_KEY'),
  };

  scenario.step('starting a consumer and a producer with the account');
  const consumer = scenario.track(new SimpleConsumer({
    endpoints, sessionCredentials, consumerGroup, subscriptions: new Map([[ topic, '*' ]]),
    awaitDuration: AWAIT_DURATION_MS, requestTimeout: REQUEST_TIMEOUT_MS,
  }));
  await consumer.startup();
  const producer = scenario.track(new Producer({ endpoints, sessionCredentials, topic,
    requestTimeout: REQUEST_TIMEOUT_MS }));
  await producer.startup();

  scenario.step('sending and receiving signed');
  const receipt = await producer.send({ topic, body: Buffer.from('signed'), tag: 'acl' });
  const [ view ] = await receiveUntil(consumer, { count: 1, timeoutMs: 15000 });
  assert.ok(view, 'the signed message was not received within 15 s');
  assert.strictEqual(view.messageId, receipt.messageId, 'the received message id');
  await consumer.ack(view);

  // Startup fetches the route (3 attempts, 3 s); a broker that lets that through must refuse
  // the send.
  const refusedProducer = async (what, options, code) => {
    const client = scenario.track(new Producer({ endpoints, topic, requestTimeout: REQUEST_TIMEOUT_MS,
      maxAttempts: 1, ...options }));
    let at = 'startup';
    let refusal;
    try {
      await client.startup();
    } catch (err) {
      refusal = refusalOf(err, [ code ], `startup of a producer ${what}`);
    }
    if (!refusal) {
      at = 'send';
      refusal = await expectRefusal(client.send({ topic, body: Buffer.from('not allowed') }), [ code ],
        `send by a producer ${what}`);
    }
    return { at, code: refusal.code };
  };
  scenario.step('a producer with a wrong secret key');
  const wrongSecret = await refusedProducer('with a wrong secret key', {
    sessionCredentials: { ...sessionCredentials, accessSecret: `${sessionCredentials.accessSecret}-wrong` },
  }, Code.UNAUTHORIZED);
  scenario.step('a producer without credentials');
  const anonymous = await refusedProducer('without credentials', {}, Code.UNAUTHORIZED);
  let reader;
  const readerKey = envVar('BERTH_READER_ACCESS_KEY', '');
  if (readerKey) {
    scenario.step('a producer of an account that may not publish');
    reader = await refusedProducer('of an account without PUB', {
      sessionCredentials: { accessKey: readerKey, accessSecret: envVar('BERTH_READER_SECRET_KEY') },
    }, Code.FORBIDDEN);
  }

  return { message_id: receipt.messageId, wrong_secret: wrongSecret, no_credentials: anonymous,
    no_pub_permission: reader ?? 'not tried' };
});
