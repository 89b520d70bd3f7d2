// The pages and their JSON: the route table and what each handler gets (Context). Handlers are straight lines: read the request, read the council or the store,
// render. Access has already been checked by WebApp::Handle before a handler runs; a handler
// that shows children's data names them in Context::audit_children and WebApp::Handle writes the
// audit row before the page leaves.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "access/accounts.h"
#include "access/scope.h"
#include "base/clock.h"
#include "http/message.h"
#include "http/router.h"
#include "model/chronology.h"
#include "store/audit.h"
#include "store/database.h"
#include "timescales/evaluator.h"
#include "web/app.h"
#include "web/council.h"

namespace cairn::recording {
class Recorder;
}

namespace cairn::web {

class Region;  // region_pages.h

struct Context {
  Context(const http::Request& r, const http::RouteMatch& m, store::Connection& d, access::Accounts& a,
          const access::RoleCatalogue& ro, const timescales::Evaluator& e, Council& c, std::shared_mutex& cm,
          const WebOptions& o, const Clock& cl)
      : request(r), match(m), db(d), accounts(a), roles(ro), evaluator(e), council(c), council_mutex(cm), options(o),
        clock(cl) {}

  const http::Request& request;
  const http::RouteMatch& match;
  store::Connection& db;
  access::Accounts& accounts;
  const access::RoleCatalogue& roles;
  const timescales::Evaluator& evaluator;
  Council& council;
  std::shared_mutex& council_mutex;
  const WebOptions& options;
  const Clock& clock;

  bool api = false;
  bool synthetic = false;
  store::GroupAuditWriter* audit_writer = nullptr;  // nullptr: rows go straight through `db`
  const recording::Recorder* recorder = nullptr;     // the forms and checks casework is recorded through
  Region* region = nullptr;  // the region's server (region_pages.h); nullptr on a council's
  // The date the page shows the record as at: ?as-at=YYYY-MM-DD, or the council's date.
  Date as_at;
  bool past = false;          // as_at is before the council's date
  std::string as_at_query;    // "as-at=YYYY-MM-DD" when past, to carry into links; else ""
  int threads = 1;            // for evaluating the council as at an earlier date
  access::Actor actor;
  std::optional<access::Accounts::Session> session;
  access::Restrictions restrictions;
  std::string child_id;   // the {id} of a ChildRecord route, checked in scope
  std::string team_id;    // the {id} of a TeamRecord route, checked in reach
  std::string worker_id;  // the {id} of a WorkerRecord route, checked in reach

  // Set by a handler that showed, searched or changed children's data.
  std::string audit_action;
  std::vector<std::string> audit_children;
  std::string audit_detail;

  // Writes one audit row for this request now.
  Status Audit(std::string_view action, std::string_view outcome, std::vector<std::string> children,
               std::string_view detail);
};

using PageHandler = std::function<http::Response(Context&)>;

struct Route {
  http::Method method;
  std::string_view pattern;
  Access access;
  PageHandler handler;
};

// The route table: every URL Cairn answers, with who may use it.
std::vector<Route> BuildRoutes();

// A plain error page (or, for the API, {"error": message}).
http::Response ErrorResponse(int status, std::string message, bool api, std::string testid = "");

}  // namespace cairn::web
