#include "grpc_transport.hpp"

#include "rpcs.hpp"

#include <berth/plugin/error.hpp>

#include <boost/asio/post.hpp>

#include <fstream>
#include <sstream>

namespace berth::transport_grpc {
namespace {

std::string read_file(const std::string& path, const char* key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sdk::plugin_error(BERTH_E_INVALID, std::string(key) + ": cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The RocketMQ clients' biggest gRPC message is a SendMessage of one full body.
constexpr int frame_overhead = 1 << 20;

}  // namespace

grpc_transport::grpc_transport(sdk::host& host)
    : host_(host),
      config_(read_grpc_config(host)),
      port_(host),
      executor_(config_.threads),
      clients_(port_, executor_,
               [](const std::shared_ptr<client_session>& s, wire::code code,
                  std::span<const uint8_t> body) {
                 if (code == wire::code::check_transaction) on_check_transaction(s, body);
               }),
      gateway_{config_, clients_, executor_, queue_counts_, std::string(host.broker_name()), {}},
      service_(gateway_),
      sweep_timer_(executor_) {
  if (config_.tls()) (void)credentials();  // a missing file is a config error, reported now
}

grpc_transport::~grpc_transport() {
  if (server_ && !stopped_) stop(std::chrono::nanoseconds(0));
  executor_.join();
}

std::shared_ptr<grpc::ServerCredentials> grpc_transport::credentials() const {
  if (!config_.tls()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(
      {read_file(config_.private_key, "private_key"), read_file(config_.certificate, "certificate")});
  return grpc::SslServerCredentials(options);
}

void grpc_transport::start() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config_.listen, credentials(), &port);
  builder.RegisterService(&service_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config_.max_body_size) + frame_overhead);
  builder.SetMaxSendMessageSize(static_cast<int>(config_.max_body_size) + frame_overhead);
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    server_.reset();
    throw sdk::plugin_error(BERTH_E_IO, "listen: cannot serve gRPC on '" + config_.listen +
                                            "' (address in use or not local?)");
  }
  const std::string host_part = config_.listen.substr(0, config_.listen.rfind(':'));
  gateway_.bound_endpoint = host_part + ":" + std::to_string(port);
  schedule_sweep();
}

void grpc_transport::schedule_sweep() {
  sweep_timer_.expires_after(std::min<std::chrono::milliseconds>(config_.client_idle_timeout / 4,
                                                                 std::chrono::seconds(10)));
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    clients_.sweep(config_.client_idle_timeout);
    schedule_sweep();
  });
}

void grpc_transport::stop(std::chrono::nanoseconds deadline) {
  if (stopped_) return;
  stopped_ = true;
  boost::asio::post(executor_, [this] { sweep_timer_.cancel(); });
  // Kernel connections first: calls waiting on the kernel are answered and can finish.
  clients_.close_all();
  const auto left = std::max(deadline - host_.now_monotonic(), std::chrono::nanoseconds(0));
  if (server_) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::duration_cast<std::chrono::system_clock::duration>(left));
  }
}

}  // namespace berth::transport_grpc
