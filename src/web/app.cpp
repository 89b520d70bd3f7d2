#include "web/app.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

#include "base/embedded.h"
#include "base/working_day_calendar.h"
#include "http/router.h"
#include "recording/recorder.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/record_changes.h"
#include "store/region.h"
#include "store/settings.h"
#include "store/workforce_store.h"
#include "timescales/evaluator.h"
#include "timescales/rules.h"
#include "web/pages.h"
#include "web/region_pages.h"

namespace cairn::web {
namespace {

constexpr std::string_view kSessionCookie = "cairn_session";

// How often the write-ahead log is copied into the database. Often, so each copy is small: the
// requests that arrive while one runs wait for it. Measured on the demo council (a social
// worker's week, 2 connections): every second, p99 14 ms; every 100 ms, 3.8 ms, for the same
// throughput.
constexpr std::chrono::milliseconds kCheckpointEvery{100};
// Past this many children changed elsewhere, loading the whole council is quicker than loading
// each child alone.
constexpr size_t kMostChildrenLoadedAlone = 200;

// Connections for request threads: a Connection belongs to one thread at a time, so each request
// borrows one and gives it back.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::string target) : target_(std::move(target)) {}

  struct Pooled {
    std::unique_ptr<store::Connection> db;
  };

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Pooled> pooled) : pool_(pool), pooled_(std::move(pooled)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (pooled_ != nullptr) pool_->Return(std::move(pooled_));
    }
    store::Connection& operator*() { return *pooled_->db; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Pooled> pooled_;
  };

  Result<Lease> Borrow() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<Pooled> pooled = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(pooled));
      }
    }
    auto pooled = std::make_unique<Pooled>();
    CAIRN_ASSIGN_OR_RETURN(pooled->db, store::Connection::OpenExisting(target_));
    CAIRN_RETURN_IF_ERROR(store::DeferCheckpoints(*pooled->db));
    return Lease(this, std::move(pooled));
  }

 private:
  void Return(std::unique_ptr<Pooled> pooled) {
    // A connection to a server that has gone (PostgreSQL restarted) is dropped, and the next
    // request opens a new one; one left inside a transaction (a failed request) is rolled back.
    if (pooled->db->lost()) return;
    if (pooled->db->InTransaction()) (void)pooled->db->Rollback();
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(pooled));
  }

  std::string target_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Pooled>> idle_;
};

void AddSecurityHeaders(http::Response& response, bool child_data) {
  response.SetHeader("Content-Security-Policy",
                     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                     "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Referrer-Policy", "no-referrer");
  response.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
  response.SetHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (child_data) {
    response.SetHeader("Cache-Control", "no-store");
  } else if (std::none_of(response.headers.begin(), response.headers.end(),
                          [](const auto& header) { return header.first == "Cache-Control"; })) {
    response.SetHeader("Cache-Control", "no-store");
  }
}

bool IsApi(std::string_view path) { return path.rfind("/api/", 0) == 0; }

}  // namespace

struct WebApp::State {
  State(const Clock& c, WebOptions o, std::string target, access::RoleCatalogue r, timescales::Evaluator e)
      : clock(c), options(std::move(o)), pool(std::move(target)), roles(std::move(r)), evaluator(std::move(e)) {}

  const Clock& clock;
  WebOptions options;
  ConnectionPool pool;
  // Requests' audit rows, committed together when they arrive together (one commit for many),
  // and within this process one writer at a time, so request threads do not queue on SQLite's
  // write lock against each other (only against the checkpointer and other processes).
  std::unique_ptr<store::GroupAuditWriter> audit;
  access::AccessCache access_cache;  // sessions and restrictions, checked against the database each request
  // The write-ahead log is copied into the database by this thread, off the request path.
  std::thread checkpointer;
  std::mutex checkpoint_mutex;
  std::condition_variable checkpoint_wake;
  bool stopping = false;
  access::RoleCatalogue roles;
  timescales::Evaluator evaluator;
  http::Router router;
  std::vector<Route> routes;
  bool synthetic = false;
  std::optional<recording::Recorder> recorder;
  // Set on the region's server (a region's URL without a council): its pages, and no council's.
  std::unique_ptr<Region> region;

  // The council in memory, read under a shared lock and changed under an exclusive one.
  mutable std::shared_mutex council_mutex;
  Council council;
  // The record generation (store/record_changes.h) the council in memory has caught up with. A
  // request that finds the database's moved on loads what changed (CatchUp) before it is served.
  std::mutex catch_up_mutex;
  int64_t seen_generation = 0;  // under catch_up_mutex

  // Brings the council up to what the database holds, after changes made by another server or
  // the command line: the children named since the generation last seen, or everything.
  Status CatchUp(store::Connection& db);
  Status LoadCouncil(store::Connection& db);

  Date Today() const { return options.as_at.value_or(clock.Today()); }
};

Result<std::unique_ptr<WebApp>> WebApp::Open(const std::string& db_target, const Clock& clock, WebOptions options) {
  CAIRN_ASSIGN_OR_RETURN(access::RoleCatalogue roles, access::RoleCatalogue::BuiltIn());
  CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
  CAIRN_ASSIGN_OR_RETURN(timescales::RuleSet rules, timescales::RuleSet::England(calendar));
  CAIRN_ASSIGN_OR_RETURN(timescales::Evaluator evaluator, timescales::Evaluator::Create(std::move(rules), calendar));
  // A region's URL without a council is the region's server, in the region's own schema
  // (store/region.h ServedTarget); any other target is served as given.
  CAIRN_ASSIGN_OR_RETURN(store::ServedDatabase served, store::ServedTarget(db_target));
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<store::Connection> db, store::Connection::OpenExisting(served.target));
  CAIRN_ASSIGN_OR_RETURN(std::vector<store::Migration> migrations, store::BuiltInMigrations());
  CAIRN_ASSIGN_OR_RETURN(store::MigrationReport check, store::CheckMigrations(*db, migrations));
  if (check.already_applied.size() < migrations.size()) {
    return Status::FailedPrecondition("the database has not been brought up to date; run `cairn migrate --db " +
                                      db_target + "` first");
  }
  auto state = std::make_unique<State>(clock, std::move(options), served.target, std::move(roles), std::move(evaluator));
  if (served.region) state->region = std::make_unique<Region>(db_target);
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> synthetic, store::GetSetting(*db, "synthetic"));
  state->synthetic = synthetic.has_value() && *synthetic == "true";

  {
    // Any child without a current chronology image (one that was damaged, say) gets one now, so
    // that loading the council does not read its rows every time.
    CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(*db));
    CAIRN_RETURN_IF_ERROR(store::WriteMissingChronologyImages(*db).status());
    CAIRN_RETURN_IF_ERROR(transaction.Commit());
  }
  CAIRN_RETURN_IF_ERROR(state->LoadCouncil(*db));

  CAIRN_ASSIGN_OR_RETURN(state->audit, store::GroupAuditWriter::Open(served.target));
  CAIRN_RETURN_IF_ERROR(store::DeferCheckpoints(*db));
  State* raw = state.get();
  state->checkpointer = std::thread([raw, checkpoint_db = std::move(db)] {
    std::unique_lock<std::mutex> lock(raw->checkpoint_mutex);
    while (!raw->stopping) {
      raw->checkpoint_wake.wait_for(lock, kCheckpointEvery);
      lock.unlock();
      // A busy reader only defers a checkpoint to the next turn; the log is started again from
      // the beginning once it is large (each try costs audited pages a few milliseconds).
      Result<int64_t> frames = store::Checkpoint(*checkpoint_db);
      if (frames.ok() && *frames >= store::kRestartLogAfterFrames) (void)store::RestartLog(*checkpoint_db);
      lock.lock();
    }
  });
  CAIRN_ASSIGN_OR_RETURN(recording::Recorder recorder, recording::Recorder::BuiltIn(state->Today()));
  state->recorder.emplace(std::move(recorder));
  state->routes = BuildRoutes();
  for (size_t i = 0; i < state->routes.size(); ++i) {
    CAIRN_RETURN_IF_ERROR(state->router.Add(state->routes[i].method, state->routes[i].pattern, i));
  }
  return std::unique_ptr<WebApp>(new WebApp(std::move(state)));
}

Status WebApp::State::LoadCouncil(store::Connection& db) {
  // The generation first: a change committed while the council loads is then loaded again.
  CAIRN_ASSIGN_OR_RETURN(int64_t generation, store::RecordGeneration(db));
  CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(db));
  CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(db));
  {
    std::unique_lock lock(council_mutex);
    council.Build(evaluator, std::move(chronologies),
                  access::CouncilDirectory(std::move(workforce.workers), std::move(workforce.teams)), Today(),
                  options.threads);
  }
  seen_generation = generation;
  return Status::Ok();
}

Status WebApp::State::CatchUp(store::Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(int64_t generation, store::RecordGeneration(db));
  std::lock_guard<std::mutex> catching_up(catch_up_mutex);
  if (generation == seen_generation) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(store::RecordChanges changes,
                         store::RecordChangesSince(db, seen_generation, kMostChildrenLoadedAlone));
  if (changes.everything) return LoadCouncil(db);
  std::vector<model::Chronology> changed;
  for (const std::string& la_child_id : changes.children) {
    CAIRN_ASSIGN_OR_RETURN(std::optional<model::Chronology> chronology, store::LoadChronology(db, la_child_id));
    if (chronology) changed.push_back(std::move(*chronology));
  }
  {
    std::unique_lock lock(council_mutex);
    for (model::Chronology& chronology : changed) council.Update(std::move(chronology));
  }
  seen_generation = changes.generation;
  return Status::Ok();
}

WebApp::WebApp(std::unique_ptr<State> state) : state_(std::move(state)) {}
WebApp::~WebApp() {
  {
    std::lock_guard<std::mutex> lock(state_->checkpoint_mutex);
    state_->stopping = true;
  }
  state_->checkpoint_wake.notify_all();
  if (state_->checkpointer.joinable()) state_->checkpointer.join();
}

std::vector<RouteInfo> WebApp::Routes() const {
  std::vector<RouteInfo> infos;
  for (const Route& route : state_->routes) infos.push_back({route.method, std::string(route.pattern), route.access});
  return infos;
}

Date WebApp::as_at() const {
  std::shared_lock lock(state_->council_mutex);
  return state_->council.as_at();
}

size_t WebApp::child_count() const {
  std::shared_lock lock(state_->council_mutex);
  return state_->council.size();
}

http::Response WebApp::Handle(const http::Request& incoming) {
  State& s = *state_;
  http::Request request = incoming;
  const bool api = IsApi(incoming.target);
  http::Response response;

  auto finish = [&](http::Response r, bool child_data) {
    AddSecurityHeaders(r, child_data);
    return r;
  };

  Status parsed = http::ParseTarget(incoming.target, request);
  if (!parsed.ok()) return finish(ErrorResponse(400, "That address is not one Cairn understands: " + parsed.message() + ".", api), false);
  if (request.method == http::Method::kOther) {
    http::Response refused = ErrorResponse(405, "Cairn answers GET and POST only.", api);
    refused.SetHeader("Allow", "GET, HEAD, POST");
    return finish(std::move(refused), false);
  }

  http::RouteMatch match;
  switch (s.router.Match(request.method, request.path, match)) {
    case http::Router::Outcome::kNoSuchPath:
      return finish(ErrorResponse(404, "There is no page at this address.", api), false);
    case http::Router::Outcome::kWrongMethod:
      return finish(ErrorResponse(405, "This address does not take that kind of request.", api), false);
    case http::Router::Outcome::kMatched:
      break;
  }
  const Route& route = s.routes[match.route];
  if (s.region != nullptr && !ServedOnRegion(route.pattern)) {
    return finish(ErrorResponse(404, "This is the region's server: a council's pages are on that council's own server.",
                                api, "council-page-on-region"),
                  false);
  }

  // The council's day has moved on (a server left running past midnight): evaluate it again.
  if (!s.options.as_at) {
    const Date today = s.clock.Today();
    bool stale;
    {
      std::shared_lock lock(s.council_mutex);
      stale = s.council.as_at() != today;
    }
    if (stale) {
      std::unique_lock lock(s.council_mutex);
      if (s.council.as_at() != today) s.council.EvaluateAt(today, s.options.threads);
    }
  }

  Result<ConnectionPool::Lease> lease = s.pool.Borrow();
  if (!lease.ok()) return finish(ErrorResponse(503, "Cairn cannot reach its database just now; try again shortly.", api), false);
  store::Connection& db = **lease;
  if (!s.CatchUp(db).ok()) {
    return finish(ErrorResponse(503, "Cairn cannot read the latest records just now; try again shortly.", api), false);
  }
  access::Accounts accounts(db, s.roles, s.clock, access::PasswordHasher(s.options.password_cost), s.options.sessions);
  accounts.UseCache(&s.access_cache);

  Context context{request, match, db, accounts, s.roles, s.evaluator, s.council, s.council_mutex, s.options, s.clock};
  context.audit_writer = s.audit.get();
  context.recorder = &*s.recorder;
  context.region = s.region.get();
  context.api = api;
  context.synthetic = s.synthetic;
  context.threads = s.options.threads;
  {
    std::shared_lock lock(s.council_mutex);
    context.as_at = s.council.as_at();
  }
  context.actor.route = std::string(http::MethodName(request.method == http::Method::kHead ? http::Method::kGet
                                                                                          : request.method)) +
                        " " + std::string(route.pattern);
  context.actor.client = request.client;

  if (route.access.kind() != Access::Kind::kPublic) {
    std::optional<std::string> token = request.Cookie(kSessionCookie);
    Result<std::optional<access::Accounts::Session>> session =
        token ? accounts.Resume(*token) : Result<std::optional<access::Accounts::Session>>(std::nullopt);
    if (!session.ok()) return finish(ErrorResponse(503, "Cairn cannot check your session just now; try again shortly.", api), false);
    if (!session->has_value()) {
      if (api) return finish(ErrorResponse(401, "Sign in first.", true), false);
      http::Response redirect;
      redirect.status = 303;
      redirect.SetHeader("Location", "/login");
      redirect.body = "";
      return finish(std::move(redirect), false);
    }
    context.session = std::move(**session);
    context.actor.name = context.session->principal.username;
    context.actor.role = context.session->principal.role->id;

    // Every change needs the session's CSRF token, from the form or (htmx, the API) a header.
    if (request.method == http::Method::kPost) {
      std::string sent;
      if (auto header = request.Header("x-csrf-token")) sent = std::string(*header);
      if (sent.empty()) {
        Result<std::vector<std::pair<std::string, std::string>>> form = http::ParseForm(request.body);
        if (form.ok()) {
          if (auto field = http::FormValue(*form, "csrf")) sent = std::string(*field);
        }
      }
      if (!access::ConstantTimeEquals(sent, context.session->csrf_token)) {
        (void)context.Audit("csrf", "refused", {}, "missing or wrong CSRF token");
        return finish(ErrorResponse(403, "This form has expired. Go back, reload the page and try again.", api), false);
      }
    }

    if (route.access.kind() != Access::Kind::kSignedIn) {
      if (!context.session->principal.role->Has(route.access.permission())) {
        Status audited = context.Audit("refused", "refused", {}, std::string(route.access.permission()));
        if (!audited.ok()) return finish(ErrorResponse(503, "Cairn cannot record this request just now.", api), false);
        return finish(ErrorResponse(403, "Your role does not allow this.", api), false);
      }
    }
    Result<access::Restrictions> restrictions = accounts.LoadRestrictions();
    if (!restrictions.ok()) return finish(ErrorResponse(503, "Cairn cannot check access just now.", api), false);
    context.restrictions = std::move(*restrictions);

    if (route.access.kind() == Access::Kind::kChildRecord) {
      const std::string id(match.Param("id"));
      if (!access::CheckIdentifier(id, "the child id").ok()) {
        return finish(ErrorResponse(400, "That is not a child id Cairn uses.", api), false);
      }
      bool visible = false;
      {
        std::shared_lock lock(s.council_mutex);
        std::optional<size_t> index = s.council.Find(id);
        visible = index && access::CanSee(context.session->principal, id, s.council.place(*index), context.restrictions);
      }
      if (!visible) {
        // The same answer whether the child exists or not; the attempt is recorded either way.
        Status audited = context.Audit("read", "not-found", {id}, "");
        if (!audited.ok()) return finish(ErrorResponse(503, "Cairn cannot record this request just now.", api), false);
        return finish(ErrorResponse(404, "There is no child with that id that you can see.", api, "not-found"), true);
      }
      context.child_id = id;
    }

    if (route.access.kind() == Access::Kind::kTeamRecord || route.access.kind() == Access::Kind::kWorkerRecord) {
      const bool team = route.access.kind() == Access::Kind::kTeamRecord;
      const std::string id(match.Param("id"));
      if (!access::CheckIdentifier(id, team ? "the team id" : "the worker id").ok()) {
        return finish(ErrorResponse(400, team ? "That is not a team id Cairn uses." : "That is not a worker id Cairn uses.", api), false);
      }
      bool visible = false;
      {
        std::shared_lock lock(s.council_mutex);
        const access::CouncilDirectory& directory = s.council.directory();
        if (team) {
          const model::Team* found = directory.FindTeam(id);
          visible = found != nullptr && access::CanSeeTeam(context.session->principal, *found);
        } else {
          const model::Worker* found = directory.FindWorker(id);
          visible = found != nullptr && access::CanSeeWorker(context.session->principal, *found, directory);
        }
      }
      if (!visible) {
        Status audited = context.Audit(team ? "read-team" : "read-worker", "not-found", {}, id);
        if (!audited.ok()) return finish(ErrorResponse(503, "Cairn cannot record this request just now.", api), false);
        return finish(ErrorResponse(404, team ? "There is no team with that id that you can see."
                                              : "There is no worker with that id that you can see.",
                                    api, "not-found"),
                      true);
      }
      (team ? context.team_id : context.worker_id) = id;
    }

    // The date the page shows: ?as-at=YYYY-MM-DD, on or before the council's own date.
    if (std::optional<std::string_view> as_at = request.Query("as-at"); as_at && !as_at->empty()) {
      Result<Date> date = Date::ParseIso(*as_at);
      if (!date.ok()) {
        return finish(ErrorResponse(400, "as-at must be a date written YYYY-MM-DD, such as 2025-03-31.", api), false);
      }
      if (*date > context.as_at) {
        return finish(ErrorResponse(400, "as-at cannot be after " + context.as_at.ToIso() +
                                             ": Cairn shows the record as it stood, not as it will be.", api),
                      false);
      }
      if (*date < Date::FromYmdOrDie(1990, 1, 1)) {
        return finish(ErrorResponse(400, "as-at must be on or after 1990-01-01.", api), false);
      }
      if (*date != context.as_at) {
        context.as_at = *date;
        context.past = true;
        context.as_at_query = "as-at=" + date->ToIso();
      }
    }
  }

  response = route.handler(context);
  // What the page showed of children is recorded before it leaves: if the row cannot be
  // written, the page is not sent.
  if (!context.audit_action.empty()) {
    Status audited = context.Audit(context.audit_action, "ok", context.audit_children, context.audit_detail);
    if (!audited.ok()) {
      return finish(ErrorResponse(503, "Cairn cannot record this request just now, so it is not shown.", api), true);
    }
  }
  return finish(std::move(response), route.access.kind() != Access::Kind::kPublic);
}

}  // namespace cairn::web
