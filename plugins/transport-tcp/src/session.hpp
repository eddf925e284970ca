// One client connection: opens its byte stream (the TLS handshake, bounded by open_timeout),
// reads length-prefixed frames and hands each whole frame to the kernel; writes what the
// kernel sends back, in order, with gathered writes; closes on protocol garbage, idleness, or
// the kernel's word. The same session serves transport-tcp and transport-tls: only the stream
// differs.
//
// Everything runs on the session's strand (the socket's executor). The kernel may send from
// any thread: the parts are posted to the strand. Back-pressure: while more than
// max_pending_bytes wait to be written, no further frame is read, so a client that does not
// read cannot make the broker buffer without bound.
#pragma once

#include "byte_stream.hpp"
#include "listener_config.hpp"

#include <berth/plugin/connections.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <chrono>
#include <deque>
#include <optional>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace berth::transport_tcp {

// What every session of one transport instance shares; outlives them all.
struct session_services {
  const listener_config& config;
  const sdk::host& host;
  sdk::connection_port port;
  std::function<void(uint64_t session_id)> on_finished;  // the transport forgets the session
  sdk::metric frames_in;
  sdk::metric bytes_in;
  sdk::metric bytes_out;
  sdk::metric refused_frames;
  sdk::metric open_failures;  // streams that never opened (failed TLS handshakes); may be unset
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(session_services& services, byte_stream_ptr stream, uint64_t id);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Open the stream, register with the kernel and start reading. Posted to the strand.
  void start();
  // Stop reading; close once everything queued is written. Posted to the strand.
  void shutdown(const std::string& reason);
  // Close now, dropping what is queued. Posted to the strand.
  void abort(const std::string& reason);

 private:
  struct outgoing {
    std::vector<boost::asio::const_buffer> parts;
    size_t bytes = 0;
    berth_release_fn release = nullptr;
    void* release_arg = nullptr;
  };

  // berth_conn_ops, called by the kernel from any thread.
  static void kernel_send(void* arg, const berth_iovec* parts, uint32_t count,
                          berth_release_fn release, void* release_arg);
  static void kernel_close(void* arg, berth_str reason);

  void on_open(const std::string& failure);

  // Reading: bytes arrive in in_, many small frames per recv; each whole frame goes to the
  // kernel straight from it. A frame larger than in_ is read whole into frame_ (its length is
  // checked first, so a forged length takes no memory).
  void read_more();
  void on_read(const boost::system::error_code& ec, size_t bytes);
  void deliver_buffered();
  void on_big_frame(const boost::system::error_code& ec);
  void deliver(std::span<const uint8_t> frame);
  // Queue a frame to send; write_now false leaves the write to the caller (deliver_buffered).
  void enqueue(outgoing out, bool write_now = true);
  void write_next();
  void on_written(const boost::system::error_code& ec, size_t bytes);
  // Answer a frame the kernel never sees (garbage, too large), then close.
  void refuse(uint16_t status, const std::string& reason);
  void close_when_written(const std::string& reason);
  // The queue is written: end the stream cleanly (TLS close_notify), then finish.
  void say_goodbye();
  // Traffic either way: the connection is not idle. A clock read, no syscall.
  void touch();
  // The frame whose length was just read must be whole within request_timeout.
  void start_frame_clock();
  // One timer per connection checks both limits a few times per timeout, instead of a timer
  // re-armed (two syscalls) for every frame in and out.
  void arm_watchdog();
  void on_watchdog();
  // The socket is done: tell the kernel, release what is queued, leave the transport.
  void finish(const std::string& reason);
  [[nodiscard]] bool reading_allowed() const;
  // Read the next piece of the frame larger than in_ into frame_ (grown by the piece).
  void read_big_frame();

  session_services& services_;
  const uint64_t id_;
  byte_stream_ptr stream_;
  boost::asio::any_io_executor strand_;  // the socket's executor: a strand
  boost::asio::steady_timer watchdog_;
  std::chrono::steady_clock::time_point last_activity_;
  std::chrono::steady_clock::time_point opened_at_;  // accept; then the stream's open deadline
  std::optional<std::chrono::steady_clock::time_point> frame_started_;  // a frame is partly read
  std::optional<std::chrono::steady_clock::time_point> goodbye_started_;
  std::string peer_;
  std::string local_;
  berth_conn_ops ops_{};
  berth_conn* conn_ = nullptr;

  std::vector<uint8_t> in_;
  size_t in_begin_ = 0;  // the first byte not handed to the kernel
  size_t in_end_ = 0;    // one past the last byte received
  std::vector<uint8_t> frame_;  // a frame larger than in_: the part received so far
  size_t frame_size_ = 0;       // its whole size, length prefix included
  bool opening_ = true;    // the stream is not open yet
  bool reading_ = false;   // a read is in flight
  bool paused_ = false;    // back-pressure: the next read waits for the queue to drain
  bool closing_ = false;   // no more reads; close when the queue is empty
  bool finished_ = false;
  std::string close_reason_;

  std::deque<outgoing> queue_;
  size_t pending_bytes_ = 0;
  bool writing_ = false;
  // The write in flight: the first `in_flight_` frames of queue_, as one gathered write.
  std::vector<boost::asio::const_buffer> write_parts_;
  size_t in_flight_ = 0;
  std::vector<uint8_t> refusal_;  // the frame refuse() sends
};

}  // namespace berth::transport_tcp
