// The kernel's connection table as the host table drives it.
#include "fake_transport.hpp"

#include "protocol/connection_table.hpp"
#include "protocol/hello.hpp"

#include <gtest/gtest.h>

namespace berth::kernel::protocol {
namespace {

using test::fake_transport;
using test::header_of;

TEST(connection_table, opens_routes_and_forgets_connections) {
  metrics::registry metrics;
  router routes;
  client_directory clients;
  routes.add(wire::code::hello, hello_handler({"b", "1", 1}, clients));
  connection_table table(routes, metrics);
  std::vector<connection_ptr> closed;
  table.add_close_listener([&](const connection_ptr& gone) {
    closed.push_back(gone);
    clients.forget(gone);
  });
  fake_transport transport;
  const berth_conn_info info = fake_transport::info();
  berth_conn* conn = nullptr;
  std::string reason;
  ASSERT_EQ(table.open("transport-tcp", info, transport.ops, &transport, &conn, reason), BERTH_OK);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(conn->connection->peer(), "127.0.0.1:5000");

  wire::hello_request hello;
  hello.client_id = "app-1";
  table.frame(conn, test::request_frame(wire::code::hello, 1, hello));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(header_of(transport.sent[0]).status, wire::status::ok);
  const connection_ptr app = clients.find("app-1");
  ASSERT_NE(app, nullptr);  // HELLO told the directory who is at the other end
  EXPECT_EQ(app->client_id(), "app-1");
  EXPECT_EQ(clients.find("app-2"), nullptr);

  table.closed(conn);
  EXPECT_EQ(table.size(), 0u);
  ASSERT_EQ(closed.size(), 1u);  // the listener heard of it once
  EXPECT_EQ(closed[0], app);
  EXPECT_FALSE(app->is_open());
  EXPECT_EQ(clients.find("app-1"), nullptr);
}

TEST(connection_table, refuses_new_connections_once_stopping) {
  metrics::registry metrics;
  router routes;
  connection_table table(routes, metrics);
  table.stop_accepting();
  fake_transport transport;
  berth_conn* conn = nullptr;
  std::string reason;
  EXPECT_EQ(table.open("t", fake_transport::info(), transport.ops, &transport, &conn, reason),
            BERTH_E_CLOSED);
  EXPECT_EQ(conn, nullptr);
  EXPECT_EQ(reason, "the broker is stopping");
}

}  // namespace
}  // namespace berth::kernel::protocol
