'use strict';
// Transactional messages: (a) committed => delivered; (b) rolled back => never delivered;
// (c) left open => the broker asks the producer's checker, which answers COMMIT => delivered.
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_GROUP (default compat-transaction),
// BERTH_CHECK_TIMEOUT_MS (default 40000: how long the check-back of (c) may take).

const assert = require('node:assert');
const { Producer, SimpleConsumer } = require('rocketmq-client-nodejs');
const { TransactionResolution } = require('rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb');
const { AWAIT_DURATION_MS, REQUEST_TIMEOUT_MS, envInt, envVar, receiveUntil, runScenario } = require('./lib');

// Read here already: the hard timeout depends on it (a bad value is reported by the scenario).
const checkTimeoutMs = Number(process.env.BERTH_CHECK_TIMEOUT_MS || 40000) || 40000;

runScenario('transaction', { timeoutMs: checkTimeoutMs + 30000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const consumerGroup = envVar('BERTH_GROUP', 'compat-transaction');
  envInt('BERTH_CHECK_TIMEOUT_MS', 40000);  // validates it

  // The application's record of its local transactions, which the checker consults, as a real
  // one would look in its database: (a) and (c) committed, (b) rolled back.
  const outcomes = new Map([[ 'commit', TransactionResolution.COMMIT ],
    [ 'rollback', TransactionResolution.ROLLBACK ], [ 'orphan', TransactionResolution.COMMIT ]]);
  const checks = [];
  const checker = {
    async check(view) {
      const body = view.body.toString();
      checks.push({ body, message_id: view.messageId, at: Date.now() });
      return outcomes.get(body) ?? TransactionResolution.ROLLBACK;
    },
  };

  scenario.step('starting the clients');
  const consumer = scenario.track(new SimpleConsumer({
    endpoints, consumerGroup, subscriptions: new Map([[ topic, '*' ]]),
    awaitDuration: AWAIT_DURATION_MS, requestTimeout: REQUEST_TIMEOUT_MS,
  }));
  await consumer.startup();
  const producer = scenario.track(new Producer({ endpoints, topic, checker,
    requestTimeout: REQUEST_TIMEOUT_MS }));
  await producer.startup();

  const sendInTransaction = async body => {
    const transaction = producer.beginTransaction();
    const receipt = await producer.send({ topic, body: Buffer.from(body), tag: 'tx', keys: [ `tx-${body}` ] },
      transaction);
    assert.ok(receipt.transactionId, `the send receipt of (${body}) has no transaction id`);
    return { transaction, receipt };
  };

  scenario.step('(a) send and commit');
  const committed = await sendInTransaction('commit');
  await committed.transaction.commit();
  scenario.step('(b) send and roll back');
  const rolledBack = await sendInTransaction('rollback');
  await rolledBack.transaction.rollback();
  scenario.step('(c) send and leave open');
  const orphan = await sendInTransaction('orphan');
  const orphanSentAt = Date.now();

  scenario.step('receiving (a) and, after the check-back, (c)');
  const delivered = new Map();
  await receiveUntil(consumer, {
    count: 2,
    timeoutMs: checkTimeoutMs + 5000,
    onMessage: async view => {
      const body = view.body.toString();
      assert.ok(body !== 'rollback', 'the rolled back message was delivered');
      assert.ok(!delivered.has(body), `(${body}) was delivered twice`);
      delivered.set(body, { message_id: view.messageId, after_ms: view.receivedAt - orphanSentAt });
      await consumer.ack(view);
    },
  });
  const orphanChecks = checks.filter(c => c.message_id === orphan.receipt.messageId);
  assert.ok(delivered.has('commit'), 'the committed message (a) was not delivered');
  assert.ok(orphanChecks.length > 0, `the broker did not ask the checker about the open transaction (c) ` +
    `within ${checkTimeoutMs + 5000} ms (checks asked: ${JSON.stringify(checks)})`);
  assert.ok(delivered.has('orphan'), 'the checker committed (c), but it was not delivered');
  assert.strictEqual(delivered.get('commit').message_id, committed.receipt.messageId, 'message id of (a)');
  assert.strictEqual(delivered.get('orphan').message_id, orphan.receipt.messageId, 'message id of (c)');

  // (b) had as long as (c) took to show up; a last receive makes sure it is not just behind.
  scenario.step('receiving once more: (b) must not come');
  const late = await consumer.receive(16, 15000);
  assert.deepStrictEqual(late.map(v => v.body.toString()), [], 'messages after (a) and (c)');

  return {
    transaction_ids: [ committed, rolledBack, orphan ].map(t => t.receipt.transactionId),
    first_check_after_ms: orphanChecks[0].at - orphanSentAt,
    checks: checks.map(c => c.body),
    orphan_delivered_after_ms: delivered.get('orphan').after_ms,
  };
});
