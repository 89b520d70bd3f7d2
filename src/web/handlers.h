// Page handlers defined outside pages.cpp, for the route table (BuildRoutes) and the home page,
// which shows the role's own worker, team, service or council page.
#pragma once

#include <string>

#include "http/message.h"
#include "web/pages.h"
#include "web/table.h"

namespace cairn::web {

// work_pages.cpp
http::Response WorkerWeek(Context& context, const std::string& worker_id, bool own);
http::Response WorkerPage(Context& context);  // /workers/{id}
http::Response TeamDashboard(Context& context, const std::string& team_id, bool own);
http::Response TeamPage(Context& context);  // /teams/{id}

// record_pages.cpp
http::Response RecordPage(Context& context);      // GET /children/{id}/record[?kind=KIND]
http::Response RecordSubmit(Context& context);    // POST /children/{id}/events
http::Response CorrectPage(Context& context);     // GET /children/{id}/events/{event}/edit
http::Response CorrectSubmit(Context& context);   // POST /children/{id}/events/{event}
http::Response WithdrawSubmit(Context& context);  // POST /children/{id}/events/{event}/withdraw
// Whether the user may correct or withdraw `event` on today's record: the permission its form
// needs (child.record, or oversight.record, qa.audit, ...), or, for a direction or an audit
// action, being its owner.
bool MayCorrectEvent(const Context& context, const model::Event& event);
// Whether the user may record anything on a child (some form's permission).
bool MayRecordAny(const Context& context);

// quality_pages.cpp
http::Response AuditsPage(Context& context);  // GET /audits: case audit figures
// GET /annex-a: Ofsted's Annex A workbook of the children in the user's scope, as at the page's date.
http::Response AnnexADownload(Context& context);

// council_pages.cpp
// The service's teams (a head of service), or every team (the director, analysts).
http::Response ServiceDashboard(Context& context, bool own_home);
http::Response ServicePage(Context& context);    // /service
http::Response MembersPage(Context& context);    // /members
http::Response WorkforcePage(Context& context);  // /workforce

// validation_pages.cpp: the DfE's validation rules on the record (validate/record.h)
http::Response ValidationPage(Context& context);      // GET /validation?year=Y: the summary by rule
http::Response ValidationRulePage(Context& context);  // GET /validation/rule/{code}?year=Y&return=: each place
// The rules this child's own rows break in the latest complete collection year, the child checked
// alone (rules comparing children with each other are on /validation). Call under the council's
// shared lock (it reads `chronology`); it reads the council's settings and postcodes.
struct ChildReturnChecks {
  Table table;             // "return-checks": rule, return, type, message, record, date, field, value
  std::string year_label;  // "2025/26"
  std::string note;        // why the child could not be checked, if it could not
};
ChildReturnChecks ChildChecks(Context& context, const model::Chronology& chronology);

// pack_page.cpp
http::Response MembersPackPage(Context& context);  // /members/pack?audience=&from=&to=
// plan_pages.cpp
http::Response PlanPage(Context& context);  // /plan: the improvement board

}  // namespace cairn::web
