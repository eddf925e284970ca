// Consumer groups against a real berthd: heartbeats make members, QUERY_ASSIGNMENT splits the
// queues among them, GROUP_CHANGED tells members when one joins or leaves, GROUP_DESCRIBE shows
// offsets and lag, GROUP_RESET moves them (earliest, latest, by time) and tells live members;
// LOCK_QUEUES gives each queue one holder until it unlocks or its connection closes.
#include "messaging_fixture.hpp"

#include <berth/wire/lock_bodies.hpp>

namespace berth::test {
namespace {

using group_test = messaging_test;

wire::heartbeat_request heartbeat(std::string_view client, std::vector<wire::subscription>& subs,
                                  std::string_view topic,
                                  wire::consume_model model = wire::consume_model::clustering) {
  subs = {wire::subscription{"workers", topic, model, wire::filter_type::tag, "*"}};
  return wire::heartbeat_request{client, subs};
}

std::vector<uint32_t> assignment(wire_client& c, std::string_view client) {
  const auto answer = c.call(wire::code::query_assignment,
                             wire::query_assignment_request{"workers", "jobs", client});
  if (!answer || header_of(*answer).status != wire::status::ok) {
    ADD_FAILURE() << (answer ? error_text(*answer) : "no answer");
    return {};
  }
  return body_of<wire::query_assignment_response>(*answer)->queue_ids;
}

// The next push is GROUP_CHANGED (or `code`) for workers/jobs.
void expect_push(wire_client& c, wire::code code = wire::code::group_changed) {
  const auto push = c.next_push();
  ASSERT_TRUE(push) << "no push";
  const wire::frame_header h = header_of(*push);
  EXPECT_EQ(h.kind, wire::kind::push);
  EXPECT_EQ(h.code, code);
  const auto body = body_of<wire::group_changed_push>(*push);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->group, "workers");
  EXPECT_EQ(body->topic, "jobs");
}

TEST_F(group_test, members_split_the_queues_and_hear_when_one_joins_or_leaves) {
  wire_client admin(endpoint);
  create_topic(admin, "jobs", 8);
  std::vector<wire::subscription> subs;
  wire_client a(endpoint);
  expect_ok(a.call(wire::code::heartbeat, heartbeat("client-a", subs, "jobs")));
  expect_push(a);  // its own joining changed the group
  EXPECT_EQ(assignment(a, "client-a"), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));

  auto b = std::make_unique<wire_client>(endpoint);
  expect_ok(b->call(wire::code::heartbeat, heartbeat("client-b", subs, "jobs")));
  expect_push(a);
  expect_push(*b);
  EXPECT_EQ(assignment(a, "client-a"), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(assignment(*b, "client-b"), (std::vector<uint32_t>{4, 5, 6, 7}));
  // A repeated heartbeat changes nothing and pushes nothing.
  expect_ok(a.call(wire::code::heartbeat, heartbeat("client-a", subs, "jobs")));

  const auto described = admin.call(wire::code::group_describe, wire::group_describe_request{"workers"});
  expect_ok(described);
  const auto group = body_of<wire::group_describe_response>(*described);
  ASSERT_TRUE(group);
  EXPECT_EQ(group->members, (std::vector<std::string_view>{"client-a", "client-b"}));
  EXPECT_EQ(group->queues.size(), 8u);

  b.reset();  // client-b's connection closes: it leaves
  expect_push(a);
  EXPECT_EQ(assignment(a, "client-a"), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_FALSE(a.next_push(300ms)) << "one change, one push";
}

TEST_F(group_test, broadcasting_members_each_get_every_queue) {
  wire_client admin(endpoint);
  create_topic(admin, "jobs", 3);
  std::vector<wire::subscription> subs;
  wire_client a(endpoint);
  wire_client b(endpoint);
  expect_ok(a.call(wire::code::heartbeat,
                   heartbeat("client-a", subs, "jobs", wire::consume_model::broadcasting)));
  expect_ok(b.call(wire::code::heartbeat,
                   heartbeat("client-b", subs, "jobs", wire::consume_model::broadcasting)));
  EXPECT_EQ(assignment(a, "client-a"), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(assignment(b, "client-b"), (std::vector<uint32_t>{0, 1, 2}));
  // A clustering member cannot join a broadcasting group.
  wire_client c(endpoint);
  const auto refused = c.call(wire::code::heartbeat, heartbeat("client-c", subs, "jobs"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(header_of(*refused).status, wire::status::invalid_argument);
  EXPECT_NE(error_text(*refused).find("broadcasting"), std::string::npos) << error_text(*refused);
}

// The queues LOCK_QUEUES says `client` holds now, or the refusal's status.
std::variant<std::vector<uint32_t>, wire::status> lock(wire_client& c, std::string_view client,
                                                       std::vector<uint32_t> queues,
                                                       std::string_view topic = "jobs") {
  const auto answer = c.call(wire::code::lock_queues,
                             wire::queue_lock_request{"workers", topic, client, std::move(queues)});
  if (!answer) return wire::status::internal;
  if (header_of(*answer).status != wire::status::ok) return header_of(*answer).status;
  return body_of<wire::queue_lock_response>(*answer)->queue_ids;
}
using held = std::vector<uint32_t>;

TEST_F(group_test, a_locked_queue_has_one_holder_until_it_lets_go) {
  wire_client a(endpoint);
  create_topic(a, "jobs", 4);
  {
    wire_client b(endpoint);
    EXPECT_EQ(lock(b, "b", {0, 1}), (std::variant<held, wire::status>(held{0, 1})));
    EXPECT_EQ(lock(a, "a", {0, 1, 2}), (std::variant<held, wire::status>(held{2})));
    expect_ok(b.call(wire::code::unlock_queues, wire::queue_lock_request{"workers", "jobs", "b", {0}}));
    EXPECT_EQ(lock(a, "a", {0, 1, 2}), (std::variant<held, wire::status>(held{0, 2})));
  }  // b's connection closes: its lock on queue 1 goes with it
  // The broker sees the close shortly after.
  bool taken = false;
  for (int i = 0; i < 100 && !taken; ++i) {
    taken = lock(a, "a", {1}) == std::variant<held, wire::status>(held{1});
    if (!taken) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(taken) << "queue 1 is free once b's connection is gone";

  EXPECT_EQ(lock(a, "a", {4}), (std::variant<held, wire::status>(wire::status::no_queue)));
  EXPECT_EQ(lock(a, "a", {0}, "nowhere"),
            (std::variant<held, wire::status>(wire::status::no_topic)));
  EXPECT_EQ(lock(a, "", {0}), (std::variant<held, wire::status>(wire::status::invalid_argument)));
}

TEST_F(group_test, unknown_topics_and_groups_are_refused_not_hung) {
  wire_client c(endpoint);
  std::vector<wire::subscription> subs;
  // Subscribing to a topic that does not exist yet is allowed; its assignment is refused.
  expect_ok(c.call(wire::code::heartbeat, heartbeat("client-a", subs, "missing")));
  const auto no_topic = c.call(wire::code::query_assignment,
                               wire::query_assignment_request{"workers", "missing", "client-a"});
  ASSERT_TRUE(no_topic);
  EXPECT_EQ(header_of(*no_topic).status, wire::status::no_topic) << error_text(*no_topic);
  create_topic(c, "jobs", 2);
  const auto nobody = c.call(wire::code::query_assignment,
                             wire::query_assignment_request{"workers", "jobs", "client-a"});
  ASSERT_TRUE(nobody);
  EXPECT_EQ(header_of(*nobody).status, wire::status::no_group) << error_text(*nobody);
  const auto reset = c.call(wire::code::group_reset,
                            wire::group_reset_request{"ghosts", "jobs", wire::reset_to::earliest, 0});
  ASSERT_TRUE(reset);
  EXPECT_EQ(header_of(*reset).status, wire::status::no_group) << error_text(*reset);
}

TEST_F(group_test, reset_moves_offsets_by_time_earliest_and_latest) {
  wire_client c(endpoint);
  create_topic(c, "jobs", 1);
  for (int i = 0; i < 3; ++i) send(c, "jobs", 0, "early");
  std::this_thread::sleep_for(50ms);  // store times strictly after the first three
  const int64_t middle = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::this_thread::sleep_for(50ms);
  for (int i = 0; i < 2; ++i) send(c, "jobs", 0, "late");
  (void)pull_visible(c, "jobs", 0, 5);
  expect_ok(c.call(wire::code::commit_offset, wire::commit_offset_request{"workers", "jobs", 0, 4}));

  // A live member hears of the reset.
  std::vector<wire::subscription> subs;
  wire_client member(endpoint);
  expect_ok(member.call(wire::code::heartbeat, heartbeat("client-a", subs, "jobs")));
  expect_push(member);

  const auto reset_to = [&](wire::reset_to to, int64_t time_ms) -> uint64_t {
    const auto answer =
        c.call(wire::code::group_reset, wire::group_reset_request{"workers", "jobs", to, time_ms});
    expect_ok(answer);
    const auto body = body_of<wire::group_reset_response>(*answer);
    if (!body || body->queues.size() != 1) return wire::no_offset;
    expect_push(member, wire::code::offsets_reset);
    const auto queried =
        c.call(wire::code::query_offset, wire::query_offset_request{"workers", "jobs", 0});
    EXPECT_EQ(body_of<wire::query_offset_response>(*queried)->offset, body->queues[0].committed);
    return body->queues[0].committed;
  };
  EXPECT_EQ(reset_to(wire::reset_to::earliest, 0), 0u);
  EXPECT_EQ(reset_to(wire::reset_to::latest, 0), 5u);
  EXPECT_EQ(reset_to(wire::reset_to::time, middle), 3u);

  const auto described = c.call(wire::code::group_describe, wire::group_describe_request{"workers"});
  expect_ok(described);
  const auto group = body_of<wire::group_describe_response>(*described);
  ASSERT_TRUE(group);
  ASSERT_EQ(group->queues.size(), 1u);
  EXPECT_EQ(group->queues[0].committed, 3u);
  EXPECT_EQ(group->queues[0].max_offset, 5u);
  EXPECT_EQ(group->queues[0].lag, 2u);
}

}  // namespace
}  // namespace berth::test
