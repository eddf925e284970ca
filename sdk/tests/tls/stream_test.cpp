// berth::tls::stream over a real loopback TCP connection: the handshake, payloads of many
// records both ways at once, close_notify as end of stream, a cut connection as truncation,
// and a refused certificate on both sides.
#include "process.hpp"
#include "test_pki.hpp"

#include <berth/tls/stream.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace berth::tls::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using berth::test::certificate_authority;
using berth::test::temp_dir;

class tls_stream_test : public ::testing::Test {
 protected:
  tls_stream_test() : server_ctx_(asio::ssl::context::tls_server), client_ctx_(asio::ssl::context::tls_client) {
    const auto cert = ca_.issue_server().write(dir_.path(), "server");
    server_ctx_.use_certificate_chain_file(cert.string());
    server_ctx_.use_private_key_file((dir_.path() / "server.key").string(), asio::ssl::context::pem);
    ca_file_ = ca_.self().write(dir_.path(), "ca").string();
    client_ctx_.load_verify_file(ca_file_);
    client_ctx_.set_verify_mode(asio::ssl::verify_peer);
    // A connected pair of sockets on loopback.
    tcp::acceptor acceptor(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client_socket_.connect(acceptor.local_endpoint());
    acceptor.accept(server_socket_);
    // An SSL object takes the context's certificate when it is made: now.
    server_.emplace(server_socket_, server_ctx_.native_handle(), engine::role::server);
    client_.emplace(client_socket_, client_ctx_.native_handle(), engine::role::client);
  }

  // Handshake both sides; the errors each saw.
  std::pair<boost::system::error_code, boost::system::error_code> handshake() {
    std::optional<boost::system::error_code> s, c;
    server_->async_handshake([&](const boost::system::error_code& ec) { s = ec; });
    client_->async_handshake([&](const boost::system::error_code& ec) { c = ec; });
    io_.run();
    io_.restart();
    return {s.value_or(asio::error::timed_out), c.value_or(asio::error::timed_out)};
  }

  temp_dir dir_;
  certificate_authority ca_{"Stream CA"};
  std::string ca_file_;
  asio::io_context io_;
  asio::ssl::context server_ctx_;
  asio::ssl::context client_ctx_;
  tcp::socket server_socket_{io_};
  tcp::socket client_socket_{io_};
  std::optional<stream> server_;
  std::optional<stream> client_;
};

std::vector<uint8_t> pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 31 + i / 977);
  return bytes;
}

TEST_F(tls_stream_test, many_records_cross_both_ways_at_once_in_one_write_each) {
  const auto [s, c] = handshake();
  ASSERT_FALSE(s) << s.message();
  ASSERT_FALSE(c) << c.message();
  // 1 MiB + 3 bytes each way (65 records), in several buffers on one side.
  const auto up = pattern((size_t{1} << 20) + 3, 7);
  const auto down = pattern((size_t{1} << 20) + 3, 91);
  std::vector<uint8_t> got_up(up.size()), got_down(down.size());
  const std::vector<asio::const_buffer> up_parts{asio::buffer(up.data(), 100),
                                                 asio::buffer(up.data() + 100, up.size() - 100)};
  size_t wrote_up = 0, wrote_down = 0, read_up = 0, read_down = 0;
  client_->async_write_some(up_parts, [&](const boost::system::error_code& ec, size_t n) {
    EXPECT_FALSE(ec) << ec.message();
    wrote_up = n;
  });
  asio::async_write(*server_, asio::buffer(down), [&](const boost::system::error_code& ec, size_t n) {
    EXPECT_FALSE(ec) << ec.message();
    wrote_down = n;
  });
  asio::async_read(*server_, asio::buffer(got_up), [&](const boost::system::error_code& ec, size_t n) {
    EXPECT_FALSE(ec) << ec.message();
    read_up = n;
  });
  asio::async_read(*client_, asio::buffer(got_down), [&](const boost::system::error_code& ec, size_t n) {
    EXPECT_FALSE(ec) << ec.message();
    read_down = n;
  });
  io_.run();
  EXPECT_EQ(wrote_up, up.size()) << "one write_some sends every buffer";
  EXPECT_EQ(wrote_down, down.size());
  EXPECT_EQ(read_up, up.size());
  EXPECT_EQ(read_down, down.size());
  EXPECT_EQ(got_up, up);
  EXPECT_EQ(got_down, down);
}

TEST_F(tls_stream_test, close_notify_is_the_end_of_the_stream) {
  ASSERT_FALSE(handshake().first);
  boost::system::error_code read_error;
  std::array<uint8_t, 16> buf{};
  server_->async_shutdown([](const boost::system::error_code& ec) { EXPECT_FALSE(ec) << ec.message(); });
  client_->async_read_some(asio::buffer(buf), [&](const boost::system::error_code& ec, size_t) {
    read_error = ec;
  });
  io_.run();
  EXPECT_EQ(read_error, asio::error::eof) << read_error.message();
}

TEST_F(tls_stream_test, a_connection_cut_without_close_notify_is_truncated) {
  ASSERT_FALSE(handshake().first);
  server_socket_.close();
  boost::system::error_code read_error;
  std::array<uint8_t, 16> buf{};
  client_->async_read_some(asio::buffer(buf), [&](const boost::system::error_code& ec, size_t) {
    read_error = ec;
  });
  io_.run();
  EXPECT_EQ(read_error, asio::ssl::error::stream_truncated) << read_error.message();
}

TEST_F(tls_stream_test, a_certificate_the_client_does_not_trust_fails_both_handshakes) {
  asio::ssl::context stranger(asio::ssl::context::tls_client);
  certificate_authority other("Other CA");
  stranger.load_verify_file(other.self().write(dir_.path(), "other").string());
  stranger.set_verify_mode(asio::ssl::verify_peer);
  // Over the same connection, instead of the fixture's client stream.
  stream doubtful(client_socket_, stranger.native_handle(), engine::role::client);
  const auto [s, c] = [&] {
    std::optional<boost::system::error_code> se, ce;
    server_->async_handshake([&](const boost::system::error_code& ec) { se = ec; });
    doubtful.async_handshake([&](const boost::system::error_code& ec) { ce = ec; });
    io_.run();
    return std::pair{se.value_or(asio::error::timed_out), ce.value_or(asio::error::timed_out)};
  }();
  EXPECT_NE(c.message().find("certificate verify failed"), std::string::npos) << c.message();
  EXPECT_NE(s.message().find("alert"), std::string::npos) << s.message();
  EXPECT_EQ(SSL_get_verify_result(doubtful.native_handle()),
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

}  // namespace
}  // namespace berth::tls::test
