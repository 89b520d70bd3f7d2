// `cairn serve`: Cairn in a browser, on the embedded database; on a region's PostgreSQL URL
// without a council, the region's server (web/region_pages.h).
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/table.h"
#include "http/server.h"
#include "store/database.h"
#include "store/region.h"
#include "web/app.h"

namespace cairn::cli {
namespace {

// "127.0.0.1:8080" or "[::1]:8080" into address and port.
Status ParseListen(const std::string& listen, http::ServerOptions& options) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return Status::InvalidArgument("--listen takes ADDRESS:PORT, e.g. 127.0.0.1:8080, not '" + listen + "'");
  }
  std::string address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  int port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return Status::InvalidArgument("--listen: the port must be a number from 1 to 65535");
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return Status::InvalidArgument("--listen: the port must be a number from 1 to 65535");
  options.address = address;
  options.port = static_cast<uint16_t>(port);
  return Status::Ok();
}

}  // namespace

Action DefineServe(CLI::App& app) {
  struct Args {
    std::string db;
    std::string listen = "127.0.0.1:8080";
    int threads = 2;
    std::string as_at;
    bool secure_cookies = false;
    int idle_minutes = 30;
    int max_connections = 1024;
  };
  auto args = std::make_shared<Args>();
  app.add_option("--db", args->db, std::string(kDbHelp))->required();
  app.add_option("--listen", args->listen, "Address and port to listen on (default 127.0.0.1:8080; loopback only "
                                           "unless you put Cairn behind a TLS proxy)");
  app.add_option("--threads", args->threads, "Threads answering requests (default 2)")->check(CLI::Range(1, 64));
  app.add_option("--as-at", args->as_at,
                 "Show the council as it stood on this date (YYYY-MM-DD) instead of today: for demonstrations, "
                 "inspections and case reviews");
  app.add_flag("--secure-cookies", args->secure_cookies,
               "Mark cookies Secure (set this when Cairn is reached over HTTPS through a proxy)");
  app.add_option("--idle-timeout", args->idle_minutes, "Minutes without a request before a session ends (default 30)")
      ->check(CLI::Range(1, 720));
  app.add_option("--max-connections", args->max_connections, "Connections open at once at most (default 1024)")
      ->check(CLI::Range(8, 100000));
  return [args](Environment& env) -> Status {
    http::ServerOptions server;
    CAIRN_RETURN_IF_ERROR(ParseListen(args->listen, server));
    server.threads = args->threads;
    server.max_connections = static_cast<size_t>(args->max_connections);
    web::WebOptions options;
    options.secure_cookies = args->secure_cookies;
    options.sessions.idle_seconds = int64_t{args->idle_minutes} * 60;
    options.threads = Threads();
    if (!args->as_at.empty()) {
      CAIRN_ASSIGN_OR_RETURN(Date as_at, Date::ParseIso(args->as_at));
      options.as_at = as_at;
    }
    // The server writes audit rows in millisecond transactions: no note of who holds the lock.
    store::SetOperationName("cairn serve", store::WriteDuration::kBrief);
    // A region's URL without a council serves the region (web/region_pages.h), not a council.
    CAIRN_ASSIGN_OR_RETURN(store::ServedDatabase served, store::ServedTarget(args->db));
    env.err << (served.region ? "Opening the region's server (its users are in the region's own schema)...\n"
                              : "Loading and evaluating the council...\n");
    CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<web::WebApp> web_app, web::WebApp::Open(args->db, env.clock, options));
    const std::string address = server.address.find(':') != std::string::npos ? "[" + server.address + "]" : server.address;
    CAIRN_RETURN_IF_ERROR(http::RunServer(
        server, [&web_app](const http::Request& request) { return web_app->Handle(request); },
        [&](uint16_t port) {
          if (served.region) {
            env.err << "Cairn is serving the region of " << served.councils.size() << " councils as at "
                    << web_app->as_at().ToIso();
          } else {
            env.err << "Cairn is serving " << web_app->child_count() << " children as at " << web_app->as_at().ToIso();
          }
          env.err << " on http://" << address << ":" << port << "/ (SIGTERM or Ctrl-C stops it)\n";
          env.err.flush();
        }));
    env.err << "Cairn has stopped; every request in flight was answered.\n";
    return Status::Ok();
  };
}

}  // namespace cairn::cli
