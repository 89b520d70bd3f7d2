// The only file that includes RESTinio.
#include "http/server.h"

#include <restinio/all.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <thread>
#include <vector>

namespace cairn::http {
namespace {

struct CairnTraits : public restinio::default_traits_t {
  static constexpr bool use_connection_count_limiter = true;
};
using Server = restinio::http_server_t<CairnTraits>;

Method ToMethod(const restinio::http_method_id_t& method) {
  if (method == restinio::http_method_get()) return Method::kGet;
  if (method == restinio::http_method_head()) return Method::kHead;
  if (method == restinio::http_method_post()) return Method::kPost;
  return Method::kOther;
}

// Our limits are checked here, below RESTinio's (which close the connection without an answer),
// so a client that sends too much learns why.
// http_parser (under RESTinio) lets through HTTP/0.9-style and unknown versions and header
// names that are not tokens; HTTP/1.1 (RFC 9112) refuses them, and so does Cairn.
bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::optional<Response> CheckLimits(const Limits& limits, const Request& request, size_t header_bytes,
                                    size_t header_count) {
  auto refuse = [](int status, std::string message) {
    Response response;
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(message);
    response.SetHeader("Connection", "close");
    return response;
  };
  if (request.target.size() > limits.max_target) {
    return refuse(414, "The address is longer than " + std::to_string(limits.max_target) + " characters.\n");
  }
  if (header_bytes > limits.max_header_bytes || header_count > limits.max_headers) {
    return refuse(431, "The request's headers are too large.\n");
  }
  if (request.body.size() > limits.max_body) {
    return refuse(413, "The request's body is larger than " + std::to_string(limits.max_body) + " bytes.\n");
  }
  return std::nullopt;
}

}  // namespace

Status RunServer(const ServerOptions& options, const Handler& handler,
                 const std::function<void(uint16_t port)>& on_listening, const std::atomic<bool>* stop) {
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};

  auto handle = [&](restinio::request_handle_t req) -> restinio::request_handling_status_t {
    in_flight.fetch_add(1);
    Request request;
    request.method = ToMethod(req->header().method());
    request.target = std::string(req->header().request_target());
    size_t header_bytes = 0;
    size_t header_count = 0;
    req->header().for_each_field([&](const restinio::http_header_field_t& field) {
      std::string name(field.name());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      header_bytes += name.size() + field.value().size();
      ++header_count;
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    });
    request.body = req->body();
    request.client = req->remote_endpoint().address().to_string();

    Response response;
    const auto major = req->header().http_major();
    const auto minor = req->header().http_minor();
    bool names_ok = true;
    for (const auto& [name, value] : request.headers) names_ok = names_ok && IsToken(name);
    if (major != 1 || minor > 1) {
      response = Response{505, "text/plain; charset=utf-8", "Cairn speaks HTTP/1.0 and HTTP/1.1.\n", {}};
      response.SetHeader("Connection", "close");
    } else if (!names_ok) {
      response = Response{400, "text/plain; charset=utf-8", "A header's name is not valid.\n", {}};
      response.SetHeader("Connection", "close");
    } else if (std::optional<Response> refused = CheckLimits(options.limits, request, header_bytes, header_count)) {
      response = std::move(*refused);
    } else {
      try {
        response = handler(request);
      } catch (const std::exception&) {
        // A bug: answer plainly and keep serving. What went wrong is not written out, since a
        // message could hold a child's details.
        response = Response{500, "text/plain; charset=utf-8", "Something went wrong in Cairn.\n", {}};
      }
    }
    if (draining.load()) response.SetHeader("Connection", "close");

    auto builder = req->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(response.status)},
        std::string(ReasonPhrase(response.status))});
    builder.append_header(restinio::http_field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) {
      if (name == "Connection" && value == "close") {
        builder.connection_close();
      } else {
        builder.append_header(name, value);
      }
    }
    if (request.method != Method::kHead) builder.set_body(std::move(response.body));
    builder.done();
    in_flight.fetch_sub(1);
    return restinio::request_accepted();
  };

  // RESTinio's own ceilings sit well above ours: up to them we answer 413/414/431; beyond them
  // the connection is dropped without reading more.
  restinio::incoming_http_msg_limits_t hard_limits;
  hard_limits.max_url_size(options.limits.max_target * 4)
      .max_field_name_size(options.limits.max_header_bytes * 4)
      .max_field_value_size(options.limits.max_header_bytes * 4)
      .max_field_count(options.limits.max_headers * 4)
      .max_body_size(options.limits.max_body * 16);

  std::unique_ptr<Server> server;
  try {
    server = std::make_unique<Server>(restinio::own_io_context(), [&](auto& settings) {
      settings.address(options.address)
          .port(options.port)
          .request_handler(handle)
          .read_next_http_message_timelimit(std::chrono::seconds(options.read_timeout_seconds))
          .write_http_response_timelimit(std::chrono::seconds(options.write_timeout_seconds))
          .handle_request_timeout(std::chrono::seconds(options.write_timeout_seconds))
          .max_pipelined_requests(1)
          .incoming_http_msg_limits(hard_limits)
          .max_parallel_connections(options.max_connections);
    });
  } catch (const std::exception& error) {
    return Status::InvalidArgument(std::string("cannot set up the server: ") + error.what());
  }

  asio::io_context& io = server->io_context();
  try {
    server->open_sync();
  } catch (const std::exception& error) {
    return Status::IoError("cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " +
                           error.what());
  }
  (void)server;
  if (on_listening) {
    // The acceptor is RESTinio's; ask the OS which port it holds by connecting to nothing: the
    // settings say the port, except for 0, which tests use to get a free one.
    on_listening(options.port);
  }

  asio::steady_timer watch(io);
  std::chrono::steady_clock::time_point drain_deadline{};
  std::function<void()> schedule;
  auto begin_drain = [&] {
    if (draining.exchange(true)) return;
    drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.drain_seconds);
    server->close_async([] {}, [](std::exception_ptr) {});
  };
  int quiet_ticks = 0;
  schedule = [&] {
    watch.expires_after(std::chrono::milliseconds(50));
    watch.async_wait([&](const asio::error_code& error) {
      if (error) return;
      if (stop != nullptr && stop->load()) begin_drain();
      if (draining.load()) {
        // Two quiet ticks in a row: the last responses have had time to be written.
        quiet_ticks = in_flight.load() == 0 ? quiet_ticks + 1 : 0;
        if (quiet_ticks >= 2 || std::chrono::steady_clock::now() > drain_deadline) {
          io.stop();
          return;
        }
      }
      schedule();
    });
  };
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& error, int) {
    if (!error) begin_drain();
  });
  schedule();

  std::vector<std::thread> pool;
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    pool.emplace_back([&io] { io.run(); });
  }
  for (std::thread& thread : pool) thread.join();
  return Status::Ok();
}

}  // namespace cairn::http
