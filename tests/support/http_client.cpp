#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/dynamic_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <iostream>

namespace berth::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

std::optional<http_answer> http_request(const std::string& endpoint, const http_call& call,
                                        std::chrono::milliseconds timeout) {
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    const auto colon = endpoint.rfind(':');
    const asio::ip::tcp::endpoint to(asio::ip::make_address(endpoint.substr(0, colon)),
                                     static_cast<unsigned short>(std::stoi(endpoint.substr(colon + 1))));
    stream.expires_after(timeout);
    stream.connect(to);
    http::request<http::string_body> req{http::string_to_verb(call.method), call.target, 11};
    if (req.method() == http::verb::unknown) req.method_string(call.method);
    req.set(http::field::host, endpoint);
    req.set(http::field::connection, "close");
    for (const auto& [name, value] : call.headers) req.set(name, value);
    if (!call.basic_auth.empty()) req.set(http::field::authorization, "Basic " + base64(call.basic_auth));
    req.body() = call.body;
    if (!call.body.empty() || call.method == "POST" || call.method == "PUT") req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(stream, buffer, parser);
    const auto& res = parser.get();
    http_answer out;
    out.status = res.result_int();
    for (const auto& field : res) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out.headers[name] = std::string(field.value());
    }
    out.body = res.body();
    return out;
  } catch (const std::exception& e) {
    std::cerr << "http " << call.method << " " << endpoint << call.target << ": " << e.what() << "\n";
    return std::nullopt;
  }
}

}  // namespace berth::test
