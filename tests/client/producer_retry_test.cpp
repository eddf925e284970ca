// The producer's retries against a scripted fake broker (fake_broker.hpp): BUSY and
// STORE_FULL are retried after a pause, a lost connection is retried after the reconnect, the
// retries end, and a shutdown during a pause ends the send with closed.
#include "client_fixture.hpp"
#include "fake_broker.hpp"

#include <berth/client/producer.hpp>

#include <future>

namespace berth::test {
namespace {

using client::errc;
using client::message;

// Answers SEND with `refusals` in turn, then OK.
fake_broker::script refuse_then_accept(std::vector<wire::status> refusals,
                                       std::atomic<int>& sends) {
  return [refusals = std::move(refusals), &sends](
             fake_broker& b, int fd, const wire::frame_header& h, std::span<const uint8_t>) {
    const auto n = static_cast<size_t>(sends++);
    if (n < refusals.size()) {
      b.answer(fd, h, wire::error_response{"try again later"}, refusals[n]);
      return;
    }
    b.answer(fd, h, wire::send_result{"ID-1", 1, 41, 4100, 1234});
  };
}

client::producer_options options_for(const fake_broker& b, int retries) {
  client::producer_options o;
  o.endpoint = b.endpoint();
  o.retries = retries;
  o.request_timeout = 2s;
  return o;
}

TEST(client_producer_retry, busy_and_store_full_are_retried) {
  std::atomic<int> sends{0};
  fake_broker broker(refuse_then_accept({wire::status::busy, wire::status::store_full}, sends));
  client::producer p(options_for(broker, 2));
  BERTH_ASSERT_OK(p.start());
  auto r = p.send(message("t", "x"));
  BERTH_ASSERT_OK(r);
  EXPECT_EQ(r.value().message_id, "ID-1");
  EXPECT_EQ(r.value().queue_id, 1u);
  EXPECT_EQ(r.value().queue_offset, 41u);
  EXPECT_EQ(sends.load(), 3);
}

TEST(client_producer_retry, retries_end_with_the_brokers_error) {
  std::atomic<int> sends{0};
  fake_broker broker(refuse_then_accept({wire::status::busy, wire::status::busy}, sends));
  client::producer p(options_for(broker, 1));
  BERTH_ASSERT_OK(p.start());
  auto r = p.send(message("t", "x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::broker);
  EXPECT_EQ(r.error().status, wire::status::busy);
  EXPECT_NE(r.error().message.find("try again later"), std::string::npos) << r.error().message;
  EXPECT_EQ(sends.load(), 2);
}

TEST(client_producer_retry, other_refusals_are_not_retried) {
  std::atomic<int> sends{0};
  fake_broker broker(refuse_then_accept({wire::status::no_permission}, sends));
  client::producer p(options_for(broker, 2));
  BERTH_ASSERT_OK(p.start());
  auto r = p.send(message("t", "x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, wire::status::no_permission);
  EXPECT_EQ(sends.load(), 1);
}

TEST(client_producer_retry, a_lost_connection_is_retried_after_the_reconnect) {
  std::atomic<int> sends{0};
  fake_broker broker(
      [&](fake_broker& b, int fd, const wire::frame_header& h, std::span<const uint8_t>) {
        if (sends++ == 0) {
          b.hang_up(fd);
          return;
        }
        b.answer(fd, h, wire::send_result{"ID-2", 0, 0, 0, 0});
      });
  client::producer p(options_for(broker, 2));
  BERTH_ASSERT_OK(p.start());
  auto r = p.send(message("t", "x"));
  BERTH_ASSERT_OK(r);
  EXPECT_EQ(r.value().message_id, "ID-2");
  EXPECT_EQ(broker.connections(), 2);
}

TEST(client_producer_retry, a_shutdown_during_a_pause_ends_the_send_with_closed) {
  std::atomic<int> sends{0};
  fake_broker broker(refuse_then_accept(std::vector<wire::status>(100, wire::status::busy), sends));
  client::producer p(options_for(broker, 50));
  BERTH_ASSERT_OK(p.start());
  std::promise<client::result<client::send_receipt>> done;
  p.send_async(message("t", "x"),
               [&](client::result<client::send_receipt> r) { done.set_value(std::move(r)); });
  ASSERT_TRUE(eventually([&] { return sends.load() >= 2; }));
  p.shutdown();
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
  auto r = f.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::closed);
}

}  // namespace
}  // namespace berth::test
