#include "connection.hpp"

#include "common.hpp"
#include "request_signer.hpp"
#include "tls_channel.hpp"

#include <berth/tls/stream.hpp>

#include <berth/wire/endian.hpp>
#include <berth/wire/reader.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#ifndef BERTH_CLIENT_VERSION
#define BERTH_CLIENT_VERSION "0.0.0"
#endif

namespace berth::client::internal {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

// A PULL answer may carry many messages: accept frames up to this size even when the broker's
// own (request) limit is smaller.
constexpr size_t min_receive_limit = size_t{64} << 20;
constexpr size_t write_batch_bytes = size_t{1} << 20;
constexpr std::chrono::milliseconds first_backoff = 100ms;
constexpr std::chrono::milliseconds max_backoff = 2000ms;
constexpr std::string_view client_version = "berth-client/" BERTH_CLIENT_VERSION;

std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// One TCP connection attempt and what belongs to it. Handlers hold it by shared_ptr and do
// nothing once it is no longer the connection's current session.
struct session {
  // With a TLS context, everything read and written goes through TLS over the socket.
  session(asio::io_context& io, asio::ssl::context* tls) : socket(io), handshake_timer(io) {
    if (tls != nullptr) {
      secure.emplace(socket, tls->native_handle(), berth::tls::engine::role::client);
    }
  }

  template <class Buffers, class Handler>
  void read(const Buffers& buffers, Handler done) {
    if (secure) {
      asio::async_read(*secure, buffers, std::move(done));
    } else {
      asio::async_read(socket, buffers, std::move(done));
    }
  }
  template <class Buffers, class Handler>
  void write(const Buffers& buffers, Handler done) {
    if (secure) {
      secure->async_write_some(buffers, std::move(done));  // encrypts and sends all of it
    } else {
      asio::async_write(socket, buffers, std::move(done));
    }
  }

  tcp::socket socket;
  std::optional<berth::tls::stream> secure;
  asio::steady_timer handshake_timer;
  std::array<uint8_t, wire::length_size> length{};
  std::vector<uint8_t> frame;
  std::vector<uint8_t> write_buffer;
  bool writing = false;
  bool ready = false;   // HELLO answered: requests may go out
  std::vector<uint8_t> auth_nonce;  // from HELLO: what this connection's signatures cover
  std::string refusal;  // the broker's last answer to a frame it could not read
};

struct pending {
  explicit pending(asio::io_context& io) : timer(io) {}
  uint64_t id = 0;
  wire::code code = wire::code::hello;
  response_callback done;
  asio::steady_timer timer;
  std::chrono::milliseconds timeout{0};
  std::vector<uint8_t> bytes;  // until written
  size_t largest_body = 0;
  bool sent = false;
};

}  // namespace

connection_options options_for(const std::string& endpoint, std::string& client_id,
                               std::chrono::milliseconds handshake_timeout,
                               const tls_options& tls, const credentials& creds) {
  if (client_id.empty()) client_id = default_client_id();
  connection_options c;
  c.endpoint = endpoint;
  c.client_id = client_id;
  c.handshake_timeout = handshake_timeout;
  c.tls = tls;
  c.credentials = creds;
  return c;
}

bool parse_endpoint(const std::string& endpoint, std::string& host, std::string& port) {
  const auto colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == endpoint.size()) return false;
  host = endpoint.substr(0, colon);
  port = endpoint.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    host = host.substr(1, host.size() - 2);
  }
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return std::stoul(port) <= 65535;
}

error io_thread_refusal(std::string_view what) {
  return error{errc::invalid_argument, wire::status::ok,
               std::string(what) +
                   ": a blocking call inside a callback of the same client would wait for "
                   "itself; use the asynchronous variant or another thread"};
}

class connection::impl {
 public:
  explicit impl(connection_options options)
      : options_(std::move(options)), resolver_(io_), reconnect_timer_(io_) {}

  ~impl() {
    if (thread_.joinable()) {
      io_.stop();
      thread_.join();
    }
  }

  result<void> start() {
    std::lock_guard lock(post_mutex_);
    if (state_ == state::running) return success();
    if (state_ == state::closed) {
      return failure(errc::closed, "a client cannot be started again after shutdown()");
    }
    if (!parse_endpoint(options_.endpoint, host_, port_)) {
      return failure(errc::invalid_argument,
                     "endpoint '" + options_.endpoint + "' is not host:port");
    }
    if (options_.client_id.empty() || options_.client_id.size() > wire::max_str_bytes) {
      return failure(errc::invalid_argument, "client id must be 1 to 65535 bytes");
    }
    if (options_.tls.enabled) {
      result<tls_context_ptr> made = make_client_context(options_.tls);
      if (!made) return failure(made.error());
      tls_ = std::move(made).value();
    }
    if (!options_.credentials.empty()) {
      result<std::unique_ptr<request_signer>> made = request_signer::make(options_.credentials);
      if (!made) return failure(made.error());
      signer_ = std::move(made).value();
    }
    try {
      work_.emplace(io_.get_executor());
      thread_ = std::thread([this] { run(); });
    } catch (const std::exception& e) {
      work_.reset();
      return failure(errc::closed, std::string("cannot start the I/O thread: ") + e.what());
    }
    state_ = state::running;
    asio::post(io_, [this] { connect(); });
    return success();
  }

  void shutdown() {
    {
      std::lock_guard lock(post_mutex_);
      if (state_ != state::running) {
        state_ = state::closed;
        return;
      }
      state_ = state::closed;  // from here on nothing more is posted
    }
    if (on_io_thread()) {
      // From a callback: close now, the destructor joins.
      close_all();
      io_.stop();
      return;
    }
    std::promise<void> closed;
    asio::post(io_, [this, &closed] {
      close_all();
      closed.set_value();
    });
    closed.get_future().wait();
    io_.stop();
    thread_.join();
    // What was posted before the state changed and not run yet: requests fail with closed.
    io_.restart();
    io_.poll();
  }

  bool running() const noexcept { return state_ == state::running; }

  void async_request(outgoing out, std::chrono::milliseconds timeout, response_callback done) {
    {
      std::lock_guard lock(post_mutex_);
      if (state_ == state::running) {
        asio::post(io_, [this, out = std::move(out), timeout, done = std::move(done)]() mutable {
          enqueue(std::move(out), timeout, std::move(done));
        });
        return;
      }
    }
    done(failure(errc::closed, not_running(out.code)));
  }

  result<frame> request(outgoing out, std::chrono::milliseconds timeout) {
    const wire::code c = out.code;
    if (on_io_thread()) return failure(io_thread_refusal(wire::name(c)));
    auto promise = std::make_shared<std::promise<result<frame>>>();
    std::future<result<frame>> answer = promise->get_future();
    async_request(std::move(out), timeout,
                  [promise](result<frame> r) { promise->set_value(std::move(r)); });
    // The deadline timer answers in time; the margin only guards against a stuck I/O thread.
    if (answer.wait_for(timeout + 5s) != std::future_status::ready) {
      return failure(errc::timeout, std::string(wire::name(c)) + ": no answer within " +
                                        ms_text(timeout) + " (the I/O thread is stuck)");
    }
    return answer.get();
  }

  bool post(std::function<void()> fn) {
    std::lock_guard lock(post_mutex_);
    if (state_ != state::running) return false;
    asio::post(io_, [this, fn = std::move(fn)] {
      if (!stopping_) fn();
    });
    return true;
  }

  void post_after(std::chrono::milliseconds delay, std::function<void()> fn,
                  std::function<void()> on_cancel) {
    auto cancel = [on_cancel] {
      if (on_cancel) on_cancel();
    };
    {
      std::lock_guard lock(post_mutex_);
      if (state_ == state::running) {
        asio::post(io_, [this, delay, fn = std::move(fn), cancel]() mutable {
          if (stopping_) return cancel();
          auto timer = std::make_shared<asio::steady_timer>(io_, delay);
          timers_.insert(timer);
          timer->async_wait(
              [this, timer, fn = std::move(fn), cancel](const boost::system::error_code& ec) {
                timers_.erase(timer);
                if (ec || stopping_) return cancel();
                fn();
              });
        });
        return;
      }
    }
    cancel();
  }

  bool on_io_thread() const noexcept { return std::this_thread::get_id() == io_thread_id_.load(); }

  connection_options options_;
  push_handler push_;
  connected_handler connected_handler_;
  std::atomic<size_t> broker_max_message_size_{0};
  std::atomic<size_t> broker_max_frame_size_{0};
  std::atomic<bool> connected_{false};

 private:
  enum class state : uint8_t { created, running, closed };

  void run() {
    io_thread_id_ = std::this_thread::get_id();
    for (;;) {
      try {
        io_.run();
        return;
      } catch (...) {
        // A user callback threw: the client goes on (it is not ours to end the process).
      }
    }
  }

  std::string not_running(wire::code c) const {
    return std::string(wire::name(c)) +
           (state_ == state::created ? ": the client is not started" : ": the client is shut down");
  }

  // ---- connecting ------------------------------------------------------------------------

  void connect() {
    if (stopping_) return;
    auto s = std::make_shared<session>(io_, tls_.get());
    session_ = s;
    s->handshake_timer.expires_after(options_.handshake_timeout);
    s->handshake_timer.async_wait([this, s](const boost::system::error_code& ec) {
      if (ec || s != session_ || s->ready) return;
      lost(s, std::string("no connection") + (s->secure ? ", TLS handshake" : "") +
                  " and HELLO answer from " + options_.endpoint + " within " +
                  ms_text(options_.handshake_timeout));
    });
    resolver_.async_resolve(
        host_, port_,
        [this, s](const boost::system::error_code& ec, const tcp::resolver::results_type& found) {
          if (s != session_) return;
          if (ec) {
            lost(s, "cannot resolve '" + host_ + "': " + ec.message());
            return;
          }
          asio::async_connect(
              s->socket, found,
              [this, s](const boost::system::error_code& e, const tcp::endpoint&) {
                if (s != session_) return;
                if (e) {
                  lost(s, "cannot connect to " + options_.endpoint + ": " + e.message());
                  return;
                }
                boost::system::error_code ignored;
                s->socket.set_option(tcp::no_delay(true), ignored);
                if (s->secure) {
                  secure_handshake(s);
                } else {
                  read_length(s);
                  send_hello(s);
                }
              });
        });
  }

  void secure_handshake(const std::shared_ptr<session>& s) {
    SSL* ssl = s->secure->native_handle();
    if (auto ready = prepare_connection(ssl, options_.tls, host_); !ready) {
      lost(s, ready.error().message);
      return;
    }
    s->secure->async_handshake([this, s](const boost::system::error_code& ec) {
      if (s != session_) return;
      if (ec) {
        lost(s, handshake_failure(s->secure->native_handle(), ec, options_.endpoint,
                                  expected_name(options_.tls, host_)));
        return;
      }
      read_length(s);
      send_hello(s);
    });
  }

  void send_hello(const std::shared_ptr<session>& s) {
    const wire::hello_request hello{options_.client_id, client_version, wire::protocol_version};
    result<outgoing> out = encode_request(wire::code::hello, hello);
    if (!out) {
      lost(s, out.error().message);
      return;
    }
    auto p = std::make_unique<pending>(io_);
    p->id = ++next_id_;
    p->code = wire::code::hello;
    p->sent = true;
    p->timeout = options_.handshake_timeout;
    p->done = [this, s](result<frame> r) { on_hello(s, std::move(r)); };
    set_request_id(out.value().bytes, p->id);
    arm_deadline(*p);
    s->write_buffer = std::move(out.value().bytes);
    pending_.emplace(p->id, std::move(p));
    write_buffered(s);
  }

  // Write s->write_buffer; when it is out, write what was queued meanwhile.
  void write_buffered(const std::shared_ptr<session>& s) {
    s->writing = true;
    s->write(asio::buffer(s->write_buffer), [this, s](const boost::system::error_code& ec, size_t) {
      s->writing = false;
      if (s != session_) return;
      if (ec) {
        lost(s, "cannot write to " + options_.endpoint + ": " + ec.message());
        return;
      }
      flush(s);
    });
  }

  void on_hello(const std::shared_ptr<session>& s, result<frame> r) {
    if (s != session_) return;
    if (!r) {
      lost(s, "HELLO failed: " + r.error().to_string());
      return;
    }
    result<wire::hello_response> hello = decode_response<wire::hello_response>(r.value());
    if (!hello) {
      lost(s, hello.error().message);
      return;
    }
    broker_max_frame_size_ = hello.value().max_frame_size;
    broker_max_message_size_ = hello.value().max_message_size;
    s->auth_nonce.assign(hello.value().auth_nonce.begin(), hello.value().auth_nonce.end());
    s->ready = true;
    s->handshake_timer.cancel();
    connected_ = true;
    backoff_ = first_backoff;
    const bool reconnect = connected_once_;
    connected_once_ = true;
    if (connected_handler_) connected_handler_(reconnect);
    flush(s);
  }

  // The socket failed (or never came up): fail what was written, reconnect later.
  void lost(const std::shared_ptr<session>& s, std::string reason) {
    if (s != session_) return;
    session_.reset();
    connected_ = false;
    boost::system::error_code ignored;
    s->socket.close(ignored);
    s->handshake_timer.cancel();
    if (!s->refusal.empty()) reason += " (the broker said: " + s->refusal + ")";
    last_error_ = reason;
    std::vector<std::unique_ptr<pending>> failed;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second->sent) {
        failed.push_back(std::move(it->second));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    std::sort(failed.begin(), failed.end(),
              [](const auto& a, const auto& b) { return a->id < b->id; });
    for (auto& p : failed) {
      p->timer.cancel();
      p->done(failure(errc::connection_lost, std::string(wire::name(p->code)) +
                                                 ": the connection to " + options_.endpoint +
                                                 " was lost: " + reason));
    }
    schedule_reconnect();
  }

  void schedule_reconnect() {
    if (stopping_) return;
    reconnect_timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, max_backoff);
    reconnect_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !stopping_) connect();
    });
  }

  void close_all() {
    stopping_ = true;
    connected_ = false;
    reconnect_timer_.cancel();
    resolver_.cancel();
    for (const auto& t : timers_) t->cancel();
    timers_.clear();
    if (session_) {
      boost::system::error_code ignored;
      session_->socket.close(ignored);
      session_->handshake_timer.cancel();
      session_.reset();
    }
    std::vector<std::unique_ptr<pending>> all;
    for (auto& [id, p] : pending_) all.push_back(std::move(p));
    pending_.clear();
    queue_.clear();
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
    for (auto& p : all) {
      p->timer.cancel();
      p->done(
          failure(errc::closed, std::string(wire::name(p->code)) + ": the client was shut down"));
    }
  }

  // ---- requests --------------------------------------------------------------------------

  static void set_request_id(std::vector<uint8_t>& bytes, uint64_t id) {
    if (bytes.size() >= wire::header_size) wire::detail::store_le(bytes.data() + 16, id);
  }

  void arm_deadline(pending& p) {
    p.timer.expires_after(p.timeout);
    p.timer.async_wait([this, id = p.id](const boost::system::error_code& ec) {
      if (!ec) expire(id);
    });
  }

  std::optional<error> check_limits(wire::code c, size_t frame_size, size_t largest_body) const {
    const size_t frame_limit = broker_max_frame_size_;
    if (frame_limit != 0 && frame_size > frame_limit) {
      return error{errc::invalid_argument, wire::status::ok,
                   std::string(wire::name(c)) + ": a request of " + std::to_string(frame_size) +
                       " bytes is over the broker's max_frame_size of " +
                       std::to_string(frame_limit) + " bytes"};
    }
    const size_t limit = options_.max_message_size != 0 ? options_.max_message_size
                                                        : broker_max_message_size_.load();
    if (limit != 0 && largest_body > limit) {
      return error{
          errc::invalid_argument, wire::status::ok,
          std::string(wire::name(c)) + ": a message body of " + std::to_string(largest_body) +
              " bytes is over the max message size of " + std::to_string(limit) + " bytes (" +
              (options_.max_message_size != 0 ? options_.limit_source
                                              : std::string("the broker's limit, from HELLO")) +
              ")"};
    }
    return std::nullopt;
  }

  void enqueue(outgoing out, std::chrono::milliseconds timeout, response_callback done) {
    if (stopping_) {
      done(failure(errc::closed, std::string(wire::name(out.code)) + ": the client was shut down"));
      return;
    }
    if (auto refused = check_limits(out.code, out.bytes.size(), out.largest_body)) {
      done(failure(std::move(*refused)));
      return;
    }
    auto p = std::make_unique<pending>(io_);
    p->id = ++next_id_;
    p->code = out.code;
    p->done = std::move(done);
    p->timeout = timeout;
    p->largest_body = out.largest_body;
    set_request_id(out.bytes, p->id);
    p->bytes = std::move(out.bytes);
    arm_deadline(*p);
    queue_.push_back(p->id);
    pending_.emplace(p->id, std::move(p));
    if (session_) flush(session_);
  }

  void expire(uint64_t id) {
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    std::unique_ptr<pending> p = std::move(it->second);
    pending_.erase(it);
    std::string m = std::string(wire::name(p->code)) + ": ";
    if (p->sent) {
      m += "no answer from " + options_.endpoint + " within " + ms_text(p->timeout);
    } else if (connected_) {
      m += "not written within " + ms_text(p->timeout);
    } else {
      m += "not connected to " + options_.endpoint + " within " + ms_text(p->timeout) + " (" +
           last_error_ + ")";
    }
    p->done(failure(errc::timeout, std::move(m)));
  }

  void flush(const std::shared_ptr<session>& s) {
    if (s != session_ || !s->ready || s->writing) return;
    s->write_buffer.clear();
    std::vector<std::pair<std::unique_ptr<pending>, error>> refused;
    while (!queue_.empty() && s->write_buffer.size() < write_batch_bytes) {
      const uint64_t id = queue_.front();
      queue_.pop_front();
      auto it = pending_.find(id);
      if (it == pending_.end() || it->second->sent) continue;
      pending& p = *it->second;
      if (auto e = check_limits(p.code, p.bytes.size() + signature_overhead(), p.largest_body)) {
        refused.emplace_back(std::move(it->second), std::move(*e));
        pending_.erase(it);
        continue;
      }
      if (signer_) {
        signer_->append_signed(p.bytes, s->auth_nonce, now_ms(), s->write_buffer);
      } else {
        s->write_buffer.insert(s->write_buffer.end(), p.bytes.begin(), p.bytes.end());
      }
      p.bytes = {};
      p.sent = true;
    }
    if (!s->write_buffer.empty()) write_buffered(s);
    for (auto& [p, e] : refused) {
      p->timer.cancel();
      p->done(failure(std::move(e)));
    }
  }

  size_t signature_overhead() const noexcept { return signer_ ? signer_->overhead() : 0; }

  // ---- reading ---------------------------------------------------------------------------

  size_t receive_limit() const noexcept {
    return std::max(min_receive_limit, broker_max_frame_size_.load());
  }

  void read_length(const std::shared_ptr<session>& s) {
    s->read(asio::buffer(s->length), [this, s](const boost::system::error_code& ec, size_t) {
      if (s != session_) return;
      if (ec) {
        lost(s, read_failure(ec));
        return;
      }
      const wire::header_result r =
          wire::peek_length(s->length, receive_limit() - wire::length_size);
      if (r.state != wire::header_state::ok) {
        lost(s, "the broker sent a bad frame: " + r.reason);
        return;
      }
      // Only now, with the length checked, is the frame's buffer allocated.
      s->frame.assign(r.header.frame_size(), 0);
      std::copy(s->length.begin(), s->length.end(), s->frame.begin());
      read_rest(s);
    });
  }

  void read_rest(const std::shared_ptr<session>& s) {
    s->read(
        asio::buffer(s->frame.data() + wire::length_size, s->frame.size() - wire::length_size),
        [this, s](const boost::system::error_code& ec, size_t) {
          if (s != session_) return;
          if (ec) {
            lost(s, read_failure(ec));
            return;
          }
          const wire::header_result h = wire::decode_header(s->frame, receive_limit());
          if (!h.ok()) {
            lost(s, "the broker sent a bad frame: " + h.reason);
            return;
          }
          frame f{h.header, std::move(s->frame)};
          s->frame = {};
          dispatch(s, std::move(f));
          if (s == session_) read_length(s);
        });
  }

  static std::string read_failure(const boost::system::error_code& ec) {
    if (ec == asio::error::eof) return "closed by the broker";
    if (ec == asio::ssl::error::stream_truncated) {
      return "closed by the broker (without ending TLS)";
    }
    if (auto refused = client_refusal(ec)) return *refused;
    return "cannot read: " + ec.message();
  }

  static error broker_error(const frame& f) {
    wire::reader r(f.body(), f.header.code, wire::kind::response);
    const std::string_view text = r.text("message");
    // Code 0 answers no request (a refused frame, a plaintext client on a TLS port).
    std::string message =
        f.header.code == wire::code{0} ? std::string() : std::string(wire::name(f.header.code)) + ": ";
    message += r.ok() ? text : std::string_view("(the broker's message did not decode)");
    return error{errc::broker, f.header.status, std::move(message)};
  }

  void dispatch(const std::shared_ptr<session>& s, frame f) {
    if (f.header.kind == wire::kind::push) {
      if (push_) push_(f);
      return;
    }
    if (f.header.kind != wire::kind::response) return;  // a broker sends no requests
    if (f.header.request_id == 0) {
      // An answer to a frame the broker could not read; it closes the connection next.
      s->refusal = broker_error(f).to_string();
      return;
    }
    auto it = pending_.find(f.header.request_id);
    if (it == pending_.end()) return;  // expired already
    std::unique_ptr<pending> p = std::move(it->second);
    pending_.erase(it);
    p->timer.cancel();
    if (f.header.status == wire::status::ok) {
      p->done(std::move(f));
    } else {
      p->done(failure(broker_error(f)));
    }
  }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::atomic<std::thread::id> io_thread_id_{};
  std::mutex post_mutex_;
  std::atomic<state> state_{state::created};  // changed under post_mutex_
  std::string host_, port_;
  tls_context_ptr tls_;  // null without TLS
  std::unique_ptr<request_signer> signer_;  // null without credentials

  // I/O thread only.
  tcp::resolver resolver_;
  asio::steady_timer reconnect_timer_;
  std::chrono::milliseconds backoff_ = first_backoff;
  std::shared_ptr<session> session_;
  std::unordered_map<uint64_t, std::unique_ptr<pending>> pending_;
  std::deque<uint64_t> queue_;  // ids waiting to be written, in order
  std::set<std::shared_ptr<asio::steady_timer>> timers_;
  uint64_t next_id_ = 0;
  bool stopping_ = false;
  bool connected_once_ = false;
  std::string last_error_ = "not connected yet";
};

connection::connection(connection_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}
connection::~connection() { shutdown(); }

void connection::set_push_handler(push_handler h) { impl_->push_ = std::move(h); }
void connection::set_connected_handler(connected_handler h) {
  impl_->connected_handler_ = std::move(h);
}
result<void> connection::start() { return impl_->start(); }
void connection::shutdown() { impl_->shutdown(); }
bool connection::running() const noexcept { return impl_->running(); }
void connection::async_request(outgoing request, std::chrono::milliseconds timeout,
                               response_callback done) {
  impl_->async_request(std::move(request), timeout, std::move(done));
}
result<frame> connection::request(outgoing request, std::chrono::milliseconds timeout) {
  return impl_->request(std::move(request), timeout);
}
bool connection::post(std::function<void()> fn) { return impl_->post(std::move(fn)); }
void connection::post_after(std::chrono::milliseconds delay, std::function<void()> fn,
                            std::function<void()> on_cancel) {
  impl_->post_after(delay, std::move(fn), std::move(on_cancel));
}
bool connection::on_io_thread() const noexcept { return impl_->on_io_thread(); }
const std::string& connection::client_id() const noexcept { return impl_->options_.client_id; }
const std::string& connection::endpoint() const noexcept { return impl_->options_.endpoint; }
size_t connection::broker_max_message_size() const noexcept {
  return impl_->broker_max_message_size_;
}
bool connection::connected() const noexcept { return impl_->connected_; }

}  // namespace berth::client::internal
