'use strict';
// Filters: 9 messages with tags A, B, C in turn and user property n = 1..9. A tag subscription
// 'A||B' gets exactly the A and B ones; a SQL92 subscription 'n > 5 AND n <= 8' in another
// group gets exactly n = 6, 7, 8; a malformed SQL expression is refused with
// ILLEGAL_FILTER_EXPRESSION (when the consumer starts, or at its first receive).
//
// Environment: BERTH_GRPC_ENDPOINT, BERTH_TOPIC, BERTH_TAG_GROUP (default compat-filter-tag),
// BERTH_SQL_GROUP (default compat-filter-sql), BERTH_BAD_SQL_GROUP (default
// compat-filter-bad-sql).

const assert = require('node:assert');
const { FilterExpression, Producer, SimpleConsumer } = require('rocketmq-client-nodejs');
const { Code, FilterType } = require('rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb');
const { AWAIT_DURATION_MS, REQUEST_TIMEOUT_MS, envVar, expectRefusal, receiveUntil, refusalOf,
  runScenario } = require('./lib');

const TAGS = [ 'A', 'B', 'C' ];
const tagOf = n => TAGS[(n - 1) % TAGS.length];
const MESSAGES = 9;
const SQL = 'n > 5 AND n <= 8';
const BAD_SQL = 'n > AND (5';

runScenario('filters', { timeoutMs: 60000 }, async scenario => {
  const endpoints = envVar('BERTH_GRPC_ENDPOINT');
  const topic = envVar('BERTH_TOPIC');
  const tagGroup = envVar('BERTH_TAG_GROUP', 'compat-filter-tag');
  const sqlGroup = envVar('BERTH_SQL_GROUP', 'compat-filter-sql');
  const badSqlGroup = envVar('BERTH_BAD_SQL_GROUP', 'compat-filter-bad-sql');
  const consumerOptions = { endpoints, awaitDuration: AWAIT_DURATION_MS, requestTimeout: REQUEST_TIMEOUT_MS };

  scenario.step('starting the consumers and the producer');
  const tagConsumer = scenario.track(new SimpleConsumer({ ...consumerOptions, consumerGroup: tagGroup,
    subscriptions: new Map([[ topic, 'A||B' ]]) }));
  const sqlConsumer = scenario.track(new SimpleConsumer({ ...consumerOptions, consumerGroup: sqlGroup,
    subscriptions: new Map([[ topic, new FilterExpression(SQL, FilterType.SQL) ]]) }));
  const producer = scenario.track(new Producer({ endpoints, topic, requestTimeout: REQUEST_TIMEOUT_MS }));
  await Promise.all([ tagConsumer.startup(), sqlConsumer.startup(), producer.startup() ]);

  scenario.step('sending');
  for (let n = 1; n <= MESSAGES; n++) {
    await producer.send({ topic, body: Buffer.from(`n=${n}`), tag: tagOf(n),
      properties: new Map([[ 'n', String(n) ]]) });
  }

  // Receive the expected count, then once more: what the filter keeps out must not come later.
  const take = async (consumer, expected, what) => {
    const got = await receiveUntil(consumer, { count: expected.length, timeoutMs: 20000,
      onMessage: view => consumer.ack(view) });
    const more = await consumer.receive(16, 15000);
    for (const view of more) await consumer.ack(view);
    const ns = [ ...got, ...more ].map(view => Number(view.properties.get('n'))).sort((x, y) => x - y);
    assert.deepStrictEqual(ns, expected, `${what}: the values of n received`);
    for (const view of got) {
      assert.strictEqual(view.tag, tagOf(Number(view.properties.get('n'))), `${what}: tag of ${view.body}`);
    }
    return ns;
  };
  scenario.step('receiving with the tag and the SQL subscriptions');
  const [ tagNs, sqlNs ] = await Promise.all([
    take(tagConsumer, [ 1, 2, 4, 5, 7, 8 ], "tag expression 'A||B'"),
    take(sqlConsumer, [ 6, 7, 8 ], `SQL92 expression '${SQL}'`),
  ]);

  scenario.step('a malformed SQL expression');
  const badConsumer = scenario.track(new SimpleConsumer({ ...consumerOptions, consumerGroup: badSqlGroup,
    subscriptions: new Map([[ topic, new FilterExpression(BAD_SQL, FilterType.SQL) ]]) }));
  let refusedAt = 'startup';
  let refusal;
  try {
    await badConsumer.startup();
  } catch (err) {
    refusal = refusalOf(err, [ Code.ILLEGAL_FILTER_EXPRESSION ],
      `startup of a consumer subscribed with '${BAD_SQL}'`);
  }
  if (!refusal) {
    refusedAt = 'receive';
    refusal = await expectRefusal(badConsumer.receive(16, 15000), [ Code.ILLEGAL_FILTER_EXPRESSION ],
      `receive with '${BAD_SQL}'`);
  }

  return {
    tag_expression_got: tagNs,
    sql_expression_got: sqlNs,
    bad_sql_refused_at: refusedAt,
    bad_sql_refusal: refusal.message,
  };
});
