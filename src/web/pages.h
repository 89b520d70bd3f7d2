// The pages and their JSON: the route table, what each handler gets (Context), and the council
// held in memory. Handlers are straight lines: read the request, read the council or the store,
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

namespace cairn::web {

// The council as the pages see it: every chronology, evaluated as at one date, and where each
// child sits (worker, team, service). Not thread-safe by itself: WebApp guards it.
class Council {
 public:
  void Build(const timescales::Evaluator& evaluator, std::vector<model::Chronology> chronologies,
             access::CouncilDirectory directory, Date as_at, int threads);
  // One child changed (or is new): compacted, evaluated and placed again, alone.
  void Update(model::Chronology chronology);
  void EvaluateAt(Date as_at, int threads);

  Date as_at() const { return as_at_; }
  size_t size() const { return chronologies_.size(); }
  std::optional<size_t> Find(std::string_view la_child_id) const;
  const model::Chronology& chronology(size_t index) const { return chronologies_[index]; }
  const timescales::ChildEvaluation& result(size_t index) const { return evaluation_->result(index); }
  const access::ChildPlace& place(size_t index) const { return places_[index]; }
  const access::CouncilDirectory& directory() const { return directory_; }

 private:
  Date as_at_;
  std::vector<model::Chronology> chronologies_;
  std::unique_ptr<timescales::CouncilEvaluation> evaluation_;
  access::CouncilDirectory directory_;
  std::vector<access::ChildPlace> places_;
};

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
  Date as_at;  // the council's date when the request began
  access::Actor actor;
  std::optional<access::Accounts::Session> session;
  access::Restrictions restrictions;
  std::string child_id;  // the {id} of a ChildRecord route, checked in scope

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
