// What every page is made of: templates and the page frame, answers (HTML, JSON, downloads),
// and what the pages say about children (names, ages, situations, the rows of a children list).
// Page handlers live in the *_pages.cpp files beside this one and share these.
#pragma once

#include <kainjow/mustache.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/council.h"
#include "web/json_writer.h"
#include "web/pages.h"
#include "web/table.h"

namespace cairn::web {

using Data = kainjow::mustache::data;

// ---------------------------------------------------------------------------------------------
// Rendering

kainjow::mustache::mustache& Compiled(std::string_view name);
Data List();
// The template `name` inside the page frame (navigation, the as-at banner, the CSRF token).
std::string RenderPage(const Context& context, std::string_view name, Data data, std::string_view title);
http::Response Html(std::string body, int status = 200);
http::Response JsonBody(JsonWriter& json, int status = 200);
http::Response Redirect(std::string location);
Result<std::vector<std::pair<std::string, std::string>>> Form(const Context& context);
std::string Field(const std::vector<std::pair<std::string, std::string>>& form, std::string_view name);

// A link within Cairn that keeps the page's as-at date: Link(context, "/children/C1").
std::string Link(const Context& context, std::string path);

// A table of the page, with links to download it as CSV and Excel (none for roles that see
// aggregates only).
std::string TableBlock(const Context& context, const Table& table);
// The links that download the page's table `table` (?format=csv|xlsx&table=NAME, the page's
// other parameters kept), after `lead`; "" for roles that see aggregates only.
std::string DownloadLinks(const Context& context, std::string_view table, std::string_view lead);

// Whether the request asks for a download (?format=csv or xlsx); an unknown format is a 400.
enum class Format { kPage, kCsv, kXlsx };
Result<Format> RequestedFormat(const Context& context);
// The table as the file asked for, audited as a download of the children in it: those of its
// ChildColumn (every row, not only those a page would show), or else `children`.
http::Response Download(Context& context, const Table& table, Format format, std::vector<std::string> children = {});

// A page of figures and tables (a worker's week, a team, the service, the council, members):
// a heading, summary figures, then sections of tables and charts. Respond() sends it as the page,
// as JSON, or as a download of one of its tables (?format=csv|xlsx, &table=NAME; the first table
// by default), and records in the audit what it showed: every child its tables' rows name.
struct Dashboard {
  std::string testid;  // the h1's data-testid
  std::string heading;
  std::string intro;
  std::vector<std::pair<std::string, std::string>> summary;  // (figure, what it counts)
  struct Section {
    std::string heading{};
    std::string intro{};
    std::string table{};      // the name of a table in `tables`, shown here with its downloads
    std::string chart_html{};  // a chart (ChartHtml) shown above the table
    std::string html{};        // anything else, already escaped
    // When set, the table is folded away under this summary (a long table of the figures behind
    // charts: the page stays short, the numbers are a click away and always in the markup).
    std::string folded{};
  };
  std::vector<Section> sections;
  std::vector<Table> tables;  // the first is the page's main table
  // Audited: the children in the rows the page's tables show (their ChildColumn); with none, a
  // page of `figures` (counts about children) is audited as read-aggregates, any other writes no row.
  bool figures = false;
  bool aggregates = false;  // figures for elected members: suppressed, never a child named
  std::string notice;       // a note at the foot of the page
  // Fields the JSON carries beside heading, summary and tables (the home page's children).
  std::function<void(JsonWriter&)> extra_json;
};
http::Response Respond(Context& context, Dashboard& page);

// A chart drawn in the browser by charts.js from `spec` (a JSON object: type, title, data...).
// The figures are also in a table on the page: a chart is never the only way to read them.
std::string ChartHtml(std::string_view spec_json, std::string_view testid);

// ---------------------------------------------------------------------------------------------
// What the pages say about children

std::string DisplayName(const model::Child& child);
std::string AgeText(const model::Child& child, Date as_at);
std::string_view StatusLabel(timescales::ObligationStatus status);
// "Maya Harding (W00000014)", or the id alone when the workforce does not name them.
std::string WorkerLabel(const access::CouncilDirectory& directory, const std::string& id);
std::string TeamLabel(const access::CouncilDirectory& directory, const std::string& id);

std::string CurrentSituation(const model::Chronology& chronology, Date as_at);
// "Looked after", "Child protection", "Child in need plan", "Child in need", "None".
std::string_view PlanLabel(Situation::Kind kind);
// The legal status (LS) of the open period of care, or "".
std::string LegalStatus(const Situation& situation);

// An overdue deadline whose duty still runs (not one missed under a plan that has since ended).
bool IsLiveOverdue(const timescales::Obligation& obligation);
// Counts, for each rule, the child once if any of its deadlines under that rule is live overdue.
void CountOverdueRules(const timescales::ChildEvaluation& result, std::map<uint16_t, int64_t>& by_rule);

// One child's line on a list, with what makes it urgent.
struct ChildRow {
  size_t index = 0;
  std::string id;
  std::string display_name;
  std::string age;
  std::string plan;          // PlanLabel of the situation on the date
  std::string legal_status;  // when looked after
  Situation::Kind situation = Situation::Kind::kNone;
  std::string worker_id;
  std::string worker;  // as shown: "Maya Harding (W00000014)"
  bool allocated = false;
  bool restricted = false;
  int overdue = 0;
  int due_soon = 0;  // due within 14 days
  int drift = 0;
  std::string next_rule;
  std::optional<Date> next_due;
};

ChildRow MakeRow(const Context& context, const CouncilView& view, size_t index);
// Every child the principal may see today (scope applied where children are chosen), for
// which `also` holds of the child's place on the view's date; most urgent first.
std::vector<ChildRow> VisibleChildren(const Context& context, const CouncilView& view,
                                      const std::function<bool(const access::ChildPlace&)>& also = {});
// Most urgent first: most overdue deadlines, then the soonest next deadline, then by id.
void SortByUrgency(std::vector<ChildRow>& rows);
// The rows of the `limit` most urgent of these children (0: all of them), in that order. Only
// those rows are made: a council has thousands of children and a page shows a hundred.
std::vector<ChildRow> MostUrgent(const Context& context, const CouncilView& view, const std::vector<size_t>& indices,
                                 size_t limit);
// The children list as a table: name (linked), age, plan, worker, overdue, due soon, next
// deadline, drift.
Table ChildrenTable(const Context& context, const std::vector<ChildRow>& rows, std::string name, std::string caption);
void RowsJson(JsonWriter& json, const std::vector<ChildRow>& rows, size_t limit);
// A worker's or team's line in the home pages' JSON "groups".
struct GroupCount {
  std::string name;
  int children = 0;
  int overdue = 0;
  int drifting = 0;
};
// The fields the home pages' JSON has always carried beside the tables: "children" (the first
// `limit` rows) and "groups". `rows` must outlive the returned function's use.
std::function<void(JsonWriter&)> HomeJson(const std::vector<ChildRow>& rows, size_t limit,
                                          std::vector<GroupCount> groups);
std::vector<std::string> Ids(const std::vector<ChildRow>& rows, size_t limit);

// A count for elected members: 1 to 4 is "fewer than 5", so no child can be picked out.
std::string Suppressed(int64_t count);

}  // namespace cairn::web
