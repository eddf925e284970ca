'use strict';
// What the broker refuses: a producer for a topic that does not exist fails to start
// (TOPIC_NOT_FOUND 40402 in the cause chain); a body over the max size the broker advertises is
// refused (by the client, which applies the advertised size, and by the broker when a client
// that has not learnt it yet sends one anyway: MESSAGE_BODY_TOO_LARGE); an ack with a garbage
// or mangled receipt handle gets INVALID_RECEIPT_HANDLE (40013).
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_GROUP (default compat-bad-input),
// BERTH_MISSING_TOPIC (default compat-no-such-topic: must not exist).

const assert = require('node:assert');
const { Producer, SimpleConsumer } = require('rocketmq-client-nodejs');
const { Code } = require('rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb');
const { AWAIT_DURATION_MS, REQUEST_TIMEOUT_MS, envVar, expectRefusal, receiveUntil,
  runScenario } = require('./lib');

// The client's max body size until the broker's Settings say otherwise.
const CLIENT_DEFAULT_MAX_BODY = 4 * 1024 * 1024;

runScenario('bad_input', { timeoutMs: 60000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const consumerGroup = envVar('BERTH_GROUP', 'compat-bad-input');
  const missingTopic = envVar('BERTH_MISSING_TOPIC', 'compat-no-such-topic');

  // 1. A topic that does not exist: the route query is refused; startup gives up after its
  //    3 attempts (3 s).
  scenario.step(`starting a producer for the missing topic '${missingTopic}'`);
  const lost = scenario.track(new Producer({ endpoints, topic: missingTopic,
    requestTimeout: REQUEST_TIMEOUT_MS }));
  const missing = await expectRefusal(lost.startup(), [ Code.TOPIC_NOT_FOUND ],
    `startup of a producer for the missing topic '${missingTopic}'`);

  // 2. Body size. A producer built with the topic waits for the broker's Settings, so it
  //    knows the advertised size and refuses a bigger body itself.
  scenario.step('starting a producer and a consumer');
  const producer = scenario.track(new Producer({ endpoints, topic, requestTimeout: REQUEST_TIMEOUT_MS }));
  const consumer = scenario.track(new SimpleConsumer({
    endpoints, consumerGroup, subscriptions: new Map([[ topic, '*' ]]),
    awaitDuration: AWAIT_DURATION_MS, requestTimeout: REQUEST_TIMEOUT_MS,
  }));
  await Promise.all([ producer.startup(), consumer.startup() ]);
  const advertised = producer.publishingSettings.maxBodySizeBytes;
  assert.ok(Number.isInteger(advertised) && advertised >= 3 * 1024 * 1024,
    `the broker advertises a max body size of ${advertised} bytes (send_receive sends 3 MiB)`);
  const tooBig = Buffer.alloc(advertised + 1, 'x');
  scenario.step(`sending ${tooBig.length} bytes with the producer that knows the limit`);
  await assert.rejects(producer.send({ topic, body: tooBig }), /exceeds the threshold/,
    `a body of ${tooBig.length} bytes with an advertised max of ${advertised}`);
  // A producer built without topics starts without waiting for Settings and checks a body
  // against its default of 4 MiB before it first talks to the broker: when the advertised size
  // is below that, this is the broker's own check.
  let brokerCheck = 'not possible: the advertised size is not below the client default of 4 MiB';
  if (tooBig.length <= CLIENT_DEFAULT_MAX_BODY) {
    scenario.step(`sending ${tooBig.length} bytes with a producer that does not know the limit yet`);
    const unaware = scenario.track(new Producer({ endpoints, requestTimeout: REQUEST_TIMEOUT_MS,
      maxAttempts: 1 }));
    await unaware.startup();
    const refusal = await expectRefusal(unaware.send({ topic, body: tooBig }),
      [ Code.MESSAGE_BODY_TOO_LARGE, Code.PAYLOAD_TOO_LARGE ],
      `a body of ${tooBig.length} bytes sent to a broker that advertises ${advertised}`);
    brokerCheck = refusal.code;
  }

  // 3. Receipt handles that the broker never gave.
  scenario.step('sending and receiving a message to ack');
  const receipt = await producer.send({ topic, body: Buffer.from('ack me properly'), tag: 'bad-input' });
  const [ view ] = await receiveUntil(consumer, { count: 1, timeoutMs: 15000 });
  assert.ok(view, 'the message was not received within 15 s');
  assert.strictEqual(view.messageId, receipt.messageId, 'the received message id');
  scenario.step('acking with bad receipt handles');
  const garbage = await expectRefusal(
    consumer.ack({ ...view, receiptHandle: 'this-is-not-a-receipt-handle' }),
    [ Code.INVALID_RECEIPT_HANDLE ], 'ack with a garbage receipt handle');
  const mangledHandle = [ ...view.receiptHandle ].reverse().join('');
  assert.notStrictEqual(mangledHandle, view.receiptHandle, 'the receipt handle reads the same backwards');
  const mangled = await expectRefusal(consumer.ack({ ...view, receiptHandle: mangledHandle }),
    [ Code.INVALID_RECEIPT_HANDLE ], 'ack with a mangled receipt handle');
  scenario.step('acking with the real handle');
  await consumer.ack(view);

  return {
    missing_topic_code: missing.code,
    advertised_max_body: advertised,
    broker_body_check: brokerCheck,
    bad_handle_codes: [ garbage.code, mangled.code ],
  };
});
