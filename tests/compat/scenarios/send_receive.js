'use strict';
// Send 10 normal messages (tag, keys, user properties) and one of 3 MiB; a simple consumer
// receives all 11 with what was sent, under the ids the send receipts gave, and acks them;
// after that a receive long-polls and comes back empty.
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_GROUP (default compat-send-receive).

const assert = require('node:assert');
const { randomBytes } = require('node:crypto');
const { Producer, SimpleConsumer } = require('rocketmq-client-nodejs');
const { AWAIT_DURATION_MS, REQUEST_TIMEOUT_MS, envVar, receiveUntil, runScenario } = require('./lib');

const NORMAL_MESSAGES = 10;
const LARGE_BODY_BYTES = 3 * 1024 * 1024;

runScenario('send_receive', { timeoutMs: 60000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const consumerGroup = envVar('BERTH_GROUP', 'compat-send-receive');
  const run = randomBytes(4).toString('hex');

  scenario.step('starting the consumer');
  const consumer = scenario.track(new SimpleConsumer({
    endpoints, consumerGroup, subscriptions: new Map([[ topic, '*' ]]),
    awaitDuration: AWAIT_DURATION_MS, requestTimeout: REQUEST_TIMEOUT_MS,
  }));
  await consumer.startup();

  scenario.step('starting the producer');
  const producer = scenario.track(new Producer({ endpoints, topic, requestTimeout: REQUEST_TIMEOUT_MS }));
  await producer.startup();

  // What was sent, by the message id of its receipt.
  const sent = new Map();
  scenario.step('sending');
  for (let i = 0; i < NORMAL_MESSAGES; i++) {
    const message = {
      topic,
      body: Buffer.from(`send-receive #${i} of run ${run}`),
      tag: 'TagA',
      keys: [ `key-${i}`, `order-${run}-${i}` ],
      properties: new Map([[ 'seq', String(i) ], [ 'run', run ]]),
    };
    const receipt = await producer.send(message);
    assert.ok(receipt && typeof receipt.messageId === 'string' && receipt.messageId.length > 0,
      `send #${i}: the receipt has no message id: ${JSON.stringify(receipt)}`);
    assert.ok(!sent.has(receipt.messageId), `send #${i}: message id ${receipt.messageId} given twice`);
    sent.set(receipt.messageId, message);
  }
  const large = {
    topic,
    body: randomBytes(LARGE_BODY_BYTES),
    tag: 'Large',
    keys: [ `large-${run}` ],
    properties: new Map([[ 'size', String(LARGE_BODY_BYTES) ]]),
  };
  const largeReceipt = await producer.send(large);
  assert.ok(largeReceipt && largeReceipt.messageId, 'the 3 MiB send gave no message id');
  sent.set(largeReceipt.messageId, large);

  scenario.step(`receiving ${sent.size} messages`);
  const seen = new Set();
  const received = await receiveUntil(consumer, {
    count: sent.size,
    timeoutMs: 30000,
    onMessage: async view => {
      const expected = sent.get(view.messageId);
      assert.ok(expected, `received message id ${view.messageId}, which no send receipt gave ` +
        `(tag ${view.tag}, ${view.body.length} bytes)`);
      assert.ok(!seen.has(view.messageId), `message ${view.messageId} was delivered twice`);
      seen.add(view.messageId);
      assert.strictEqual(view.topic, topic, `topic of ${view.messageId}`);
      assert.ok(!view.corrupted, `${view.messageId} failed the client's body digest check`);
      assert.ok(view.body.equals(expected.body), `body of ${view.messageId}: ${view.body.length} bytes ` +
        `received, ${expected.body.length} sent, or different bytes`);
      assert.strictEqual(view.tag, expected.tag, `tag of ${view.messageId}`);
      assert.deepStrictEqual([ ...view.keys ].sort(), [ ...expected.keys ].sort(),
        `keys of ${view.messageId}`);
      assert.deepStrictEqual(Object.fromEntries(view.properties), Object.fromEntries(expected.properties),
        `user properties of ${view.messageId}`);
      assert.strictEqual(view.deliveryAttempt, 1, `deliveryAttempt of ${view.messageId}`);
      assert.ok(view.receiptHandle, `${view.messageId} came without a receipt handle`);
      await consumer.ack(view);
    },
  });
  assert.strictEqual(received.length, sent.size,
    `received ${received.length} of the ${sent.size} messages within 30 s`);

  scenario.step('receiving once more after everything was acked');
  const emptyStart = Date.now();
  const rest = await consumer.receive(16, 15000);
  const emptyMs = Date.now() - emptyStart;
  assert.deepStrictEqual(rest.map(v => v.messageId), [], 'a receive after every message was acked');
  // Long polling must hold the request (an instant empty answer makes push consumers spin),
  // and answer before the client's deadline (requestTimeout + awaitDuration).
  assert.ok(emptyMs >= AWAIT_DURATION_MS / 2, `the empty receive came back after ${emptyMs} ms: ` +
    `the broker did not hold it for the await duration of ${AWAIT_DURATION_MS} ms`);
  assert.ok(emptyMs <= AWAIT_DURATION_MS + 2000, `the empty receive took ${emptyMs} ms, ` +
    `more than the await duration of ${AWAIT_DURATION_MS} ms`);

  return {
    sent: sent.size,
    received: received.length,
    large_bytes: LARGE_BODY_BYTES,
    message_ids: [ ...sent.keys() ],
    empty_receive_ms: emptyMs,
  };
});
