// The HTTP server: RESTinio on a thread pool, answering every request through one function.
// This header does not include RESTinio (it compiles slowly and belongs to this file alone).
//
// Bounded on purpose: a limit on connections, on the request target, header and body sizes
// (answered 414, 431 and 413 up to a hard ceiling, beyond which the connection is closed), and
// timeouts for clients that are slow to send or to read. SIGTERM or SIGINT stops it gracefully:
// no new connections are accepted, requests in flight finish (up to `drain_seconds`), then Run
// returns so the caller can close the database cleanly.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "http/message.h"

namespace cairn::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 2;
  size_t max_connections = 1024;
  Limits limits;
  int read_timeout_seconds = 15;   // to receive a whole request, and between requests on a connection
  int write_timeout_seconds = 30;  // to send a whole response
  int drain_seconds = 10;          // how long requests in flight may take to finish at shutdown
};

using Handler = std::function<Response(const Request&)>;

// Serves until SIGTERM or SIGINT (or `stop` becomes true). `on_listening` is called once the
// port is open, with the port actually bound (useful when `port` is 0). A port that cannot be
// opened is IoError naming it.
Status RunServer(const ServerOptions& options, const Handler& handler,
                 const std::function<void(uint16_t port)>& on_listening = {},
                 const std::atomic<bool>* stop = nullptr);

}  // namespace cairn::http
