#include "session.hpp"

#include "refusal_frame.hpp"

#include <algorithm>
#include <utility>

#include <berth/wire/frame.hpp>

#include <boost/asio/post.hpp>

namespace berth::transport_tcp {

namespace asio = boost::asio;

namespace {

std::string endpoint_text(const asio::ip::tcp::endpoint& e) {
  const asio::ip::address a = e.address();
  const std::string host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
  return host + ":" + std::to_string(e.port());
}

// What one read may take in: many small frames at once. A larger frame is read on its own.
constexpr size_t read_buffer_size = size_t{32} << 10;
// What a connection's read buffer starts with: it grows to read_buffer_size once a read fills
// it, so that an idle connection holds 4 KiB, not 32.
constexpr size_t first_read_buffer_size = size_t{4} << 10;

// How long a clean end (TLS close_notify and its answer) may take before the socket is cut.
constexpr std::chrono::seconds goodbye_timeout{2};

// The session whose frame this thread is handing to the kernel, if any: an answer the kernel
// sends from inside that call (an async-flush append is acknowledged there) is queued at once
// instead of posted, and leaves with the other answers of the same read in one write.
thread_local const session* delivering_session = nullptr;

std::string ms_text(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace

session::session(session_services& services, byte_stream_ptr stream, uint64_t id)
    : services_(services),
      id_(id),
      stream_(std::move(stream)),
      strand_(stream_->socket().get_executor()),
      watchdog_(strand_),
      opened_at_(std::chrono::steady_clock::now()) {
  boost::system::error_code ec;
  peer_ = endpoint_text(stream_->socket().remote_endpoint(ec));
  local_ = endpoint_text(stream_->socket().local_endpoint(ec));
  stream_->socket().set_option(asio::ip::tcp::no_delay(true), ec);
  in_.resize(first_read_buffer_size);
  ops_.struct_size = sizeof ops_;
  ops_.send = &session::kernel_send;
  ops_.close = &session::kernel_close;
}

session::~session() {
  // finish() ran (it is what lets the last reference go), so the queue is empty.
  for (outgoing& out : queue_) {
    if (out.release != nullptr) out.release(out.release_arg);
  }
}

void session::start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->touch();
    self->arm_watchdog();
    self->stream_->async_open(
        [self](const std::string& failure) { self->on_open(failure); });
  });
}

void session::on_open(const std::string& failure) {
  if (finished_) return;  // the open timeout, or the broker's stop, came first
  if (!failure.empty()) {
    services_.open_failures.add();
    services_.host.warn("connection from ", peer_, ": ", failure, "; closing it");
    finish(failure);
    return;
  }
  opening_ = false;
  const std::string subject = stream_->peer_subject();
  const berth_conn_info info =
      sdk::connection_info(peer_, local_, services_.config.max_frame_size, subject);
  sdk::connection_port::opened opened = services_.port.open(info, ops_, this);
  if (opened.conn == nullptr) {
    services_.host.warn("connection from ", peer_, " refused by the broker: ", opened.reason);
    finish("refused: " + opened.reason);
    return;
  }
  conn_ = opened.conn;
  services_.host.debug("connection from ", peer_, " opened",
                       subject.empty() ? "" : " (client certificate " + subject + ")");
  touch();
  read_more();
}

void session::shutdown(const std::string& reason) {
  asio::post(strand_, [self = shared_from_this(), reason] { self->close_when_written(reason); });
}

void session::abort(const std::string& reason) {
  asio::post(strand_, [self = shared_from_this(), reason] { self->finish(reason); });
}

// ---- reading -----------------------------------------------------------------------------------

bool session::reading_allowed() const {
  return !finished_ && !opening_ && !closing_ && !paused_ && !reading_;
}

void session::read_more() {
  if (!reading_allowed()) return;
  reading_ = true;
  stream_->async_read_some(
      asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t bytes) {
        self->on_read(ec, bytes);
      });
}

void session::on_read(const boost::system::error_code& ec, size_t bytes) {
  reading_ = false;
  if (ec) {
    if (finished_) return;
    const bool mid_frame = in_end_ > in_begin_;
    finish(ec != asio::error::eof ? ec.message()
           : mid_frame            ? "closed by the client mid-frame"
                                  : "closed by the client");
    return;
  }
  in_end_ += bytes;
  // A read that filled the buffer: this connection is busy, give it the whole buffer.
  if (in_end_ == in_.size() && in_.size() < read_buffer_size) in_.resize(read_buffer_size);
  touch();
  deliver_buffered();
}

void session::deliver_buffered() {
  while (!finished_ && !closing_ && !paused_) {
    const size_t have = in_end_ - in_begin_;
    if (have < wire::length_size) break;
    const wire::header_result r =
        wire::peek_length(std::span<const uint8_t>(in_.data() + in_begin_, wire::length_size),
                          services_.config.max_frame_size - wire::length_size);
    if (r.state == wire::header_state::malformed || r.state == wire::header_state::too_large) {
      refuse(static_cast<uint16_t>(r.answer()), r.reason);
      return;
    }
    const size_t size = r.header.frame_size();
    if (size > read_buffer_size) {
      // The length is within the limit. Memory is taken as the frame's bytes arrive, not for
      // the length it announces: a client that announces 16 MiB and then trickles (slowloris)
      // holds what it sent, at most twice over, until request_timeout cuts it.
      frame_.resize(have);
      std::copy(in_.begin() + static_cast<std::ptrdiff_t>(in_begin_),
                in_.begin() + static_cast<std::ptrdiff_t>(in_end_), frame_.begin());
      in_begin_ = in_end_ = 0;
      frame_size_ = size;
      start_frame_clock();
      read_big_frame();
      return;
    }
    if (have < size) {
      if (size > in_.size()) in_.resize(read_buffer_size);  // room for the rest of it
      break;
    }
    frame_started_.reset();
    deliver(std::span<const uint8_t>(in_.data() + in_begin_, size));
    in_begin_ += size;
  }
  write_next();  // the answers given while delivering, together
  if (finished_ || closing_) return;
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
    frame_started_.reset();
  } else {
    // Part of a frame: move it to the front, so that the rest fits after it.
    std::copy(in_.begin() + static_cast<std::ptrdiff_t>(in_begin_),
              in_.begin() + static_cast<std::ptrdiff_t>(in_end_), in_.begin());
    in_end_ -= in_begin_;
    in_begin_ = 0;
    if (!frame_started_) start_frame_clock();
  }
  read_more();
}

void session::read_big_frame() {
  // The next piece: as much again as arrived so far (at least the read buffer's size).
  const size_t got = frame_.size();
  const size_t piece = std::min(frame_size_ - got, std::max(got, read_buffer_size));
  frame_.resize(got + piece);
  reading_ = true;
  stream_->async_read_exactly(
      asio::buffer(frame_.data() + got, piece),
      [self = shared_from_this()](const boost::system::error_code& e, size_t) {
        self->on_big_frame(e);
      });
}

void session::on_big_frame(const boost::system::error_code& ec) {
  reading_ = false;
  if (ec) {
    frame_started_.reset();
    if (!finished_) finish(ec == asio::error::eof ? "closed by the client mid-frame" : ec.message());
    return;
  }
  touch();
  if (frame_.size() < frame_size_) {
    if (!finished_ && !closing_) read_big_frame();
    return;
  }
  frame_started_.reset();
  deliver(frame_);
  // Give back what a huge frame took.
  if (frame_.capacity() > (size_t{1} << 20)) std::vector<uint8_t>().swap(frame_);
  deliver_buffered();
}

void session::deliver(std::span<const uint8_t> frame) {
  services_.frames_in.add();
  services_.bytes_in.add(static_cast<int64_t>(frame.size()));
  if (!finished_ && !closing_) {
    const session* outer = std::exchange(delivering_session, this);
    services_.port.frame(conn_, frame);
    delivering_session = outer;
  }
  if (pending_bytes_ > services_.config.max_pending_bytes) paused_ = true;
}

// ---- writing -----------------------------------------------------------------------------------

void session::kernel_send(void* arg, const berth_iovec* parts, uint32_t count,
                          berth_release_fn release, void* release_arg) {
  auto* self = static_cast<session*>(arg);
  outgoing out;
  out.parts.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    out.parts.emplace_back(parts[i].base, parts[i].len);
    out.bytes += parts[i].len;
  }
  out.release = release;
  out.release_arg = release_arg;
  if (delivering_session == self) {  // on the strand, inside deliver(): written after the read
    self->enqueue(std::move(out), false);
    return;
  }
  asio::post(self->strand_, [s = self->shared_from_this(), o = std::move(out)]() mutable {
    s->enqueue(std::move(o));
  });
}

void session::kernel_close(void* arg, berth_str reason) {
  auto* self = static_cast<session*>(arg);
  std::string text(reason.ptr == nullptr ? "" : std::string(reason.ptr, reason.len));
  self->shutdown(text.empty() ? "closed by the broker" : "closed by the broker: " + text);
}

void session::enqueue(outgoing out, bool write_now) {
  if (finished_) {
    if (out.release != nullptr) out.release(out.release_arg);
    return;
  }
  pending_bytes_ += out.bytes;
  queue_.push_back(std::move(out));
  if (write_now) write_next();
}

void session::write_next() {
  if (writing_ || queue_.empty() || finished_) return;
  // Every frame queued so far goes out in one gathered write (a few syscalls for many answers),
  // up to a bound that keeps one write from holding the queue for long.
  constexpr size_t max_parts = 256;
  constexpr size_t max_bytes = size_t{4} << 20;
  write_parts_.clear();
  in_flight_ = 0;
  size_t batch_bytes = 0;
  for (const outgoing& out : queue_) {
    if (in_flight_ > 0 && (write_parts_.size() + out.parts.size() > max_parts ||
                           batch_bytes + out.bytes > max_bytes)) {
      break;
    }
    write_parts_.insert(write_parts_.end(), out.parts.begin(), out.parts.end());
    batch_bytes += out.bytes;
    ++in_flight_;
  }
  writing_ = true;
  stream_->async_write(write_parts_,
                       [self = shared_from_this()](const boost::system::error_code& ec,
                                                   size_t bytes) { self->on_written(ec, bytes); });
}

void session::on_written(const boost::system::error_code& ec, size_t bytes) {
  writing_ = false;
  if (finished_) return;
  if (ec) {
    finish("write failed: " + ec.message());
    return;
  }
  services_.bytes_out.add(static_cast<int64_t>(bytes));
  for (; in_flight_ > 0; --in_flight_) {
    outgoing done = std::move(queue_.front());
    queue_.pop_front();
    pending_bytes_ -= done.bytes;
    if (done.release != nullptr) done.release(done.release_arg);
  }
  touch();
  if (!queue_.empty()) {
    write_next();
    return;
  }
  if (closing_) {
    say_goodbye();
    return;
  }
  if (paused_ && pending_bytes_ <= services_.config.max_pending_bytes / 2) {
    paused_ = false;
    deliver_buffered();
  }
}

// ---- closing -----------------------------------------------------------------------------------

void session::refuse(uint16_t status, const std::string& reason) {
  services_.refused_frames.add();
  services_.host.warn("connection from ", peer_, ": ", reason, "; closing it");
  refusal_ = refusal_frame(status, reason);
  outgoing out;
  out.parts.emplace_back(refusal_.data(), refusal_.size());
  out.bytes = refusal_.size();
  enqueue(std::move(out));
  close_when_written(reason);
}

void session::close_when_written(const std::string& reason) {
  if (finished_) return;
  if (!closing_) {
    closing_ = true;
    close_reason_ = reason;
  }
  if (queue_.empty() && !writing_) say_goodbye();
}

void session::say_goodbye() {
  if (finished_ || goodbye_started_) return;
  if (opening_) {  // nothing was ever said: nothing to end cleanly
    finish(close_reason_);
    return;
  }
  goodbye_started_ = std::chrono::steady_clock::now();
  stream_->async_goodbye([self = shared_from_this()] { self->finish(self->close_reason_); });
}

void session::touch() { last_activity_ = std::chrono::steady_clock::now(); }

void session::start_frame_clock() { frame_started_ = std::chrono::steady_clock::now(); }

void session::arm_watchdog() {
  // A quarter of the shorter limit, between 10 ms and 1 s: a limit is enforced at most that
  // much late.
  auto shorter = std::min(services_.config.idle_timeout, services_.config.request_timeout);
  if (opening_ && services_.config.open_timeout.count() > 0) {
    shorter = std::min(shorter, services_.config.open_timeout);
  }
  const auto interval = std::clamp<std::chrono::nanoseconds>(
      shorter / 4, std::chrono::milliseconds(10), std::chrono::seconds(1));
  watchdog_.expires_after(interval);
  watchdog_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->finished_) return;  // cancelled: the connection is gone
    self->on_watchdog();
  });
}

void session::on_watchdog() {
  const auto now = std::chrono::steady_clock::now();
  if (opening_ && services_.config.open_timeout.count() > 0 &&
      now - opened_at_ >= services_.config.open_timeout) {
    const std::string why = "the TLS handshake did not complete within " +
                            ms_text(services_.config.open_timeout);
    services_.open_failures.add();
    services_.host.warn("connection from ", peer_, ": ", why, "; closing it");
    finish(why);
    return;
  }
  if (goodbye_started_ && now - *goodbye_started_ >= goodbye_timeout) {
    finish(close_reason_);
    return;
  }
  if (frame_started_ && now - *frame_started_ >= services_.config.request_timeout) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(services_.config.request_timeout)
            .count();
    services_.host.warn("connection from ", peer_, ": a frame did not arrive whole within ", ms,
                        " ms; closing it");
    finish("a frame did not arrive whole within " + std::to_string(ms) + " ms");
    return;
  }
  if (now - last_activity_ >= services_.config.idle_timeout) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(services_.config.idle_timeout).count();
    finish("idle for " + std::to_string(seconds) + " s");
    return;
  }
  arm_watchdog();
}

void session::finish(const std::string& reason) {
  if (finished_) return;
  finished_ = true;
  watchdog_.cancel();
  stream_->close();
  if (conn_ != nullptr) {
    services_.port.closed(conn_);  // from here on the kernel sends nothing more
    conn_ = nullptr;
  }
  // A write may still be in flight: its buffers stay valid until its handler runs, so release
  // only what was never handed to the socket.
  const size_t keep = writing_ ? in_flight_ : 0;
  while (queue_.size() > keep) {
    outgoing out = std::move(queue_.back());
    queue_.pop_back();
    if (out.release != nullptr) out.release(out.release_arg);
  }
  services_.host.debug("connection from ", peer_, " closed: ", reason);
  services_.on_finished(id_);
}

}  // namespace berth::transport_tcp
