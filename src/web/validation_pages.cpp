// The DfE's validation rules on the record (validate/record.h), for the people who make the
// returns: /validation, a summary by rule for a collection year; /validation/rule/{code}, every
// place that breaks one rule, each linked to the child; and, on a child's page, the rules the
// child's own rows break.
//
// Checking the whole record costs a few tenths of a second for a council of some thousands of
// children, so the report is kept per (council generation, year): a page view after the first
// costs nothing until the record changes. A child's page checks that child alone (milliseconds,
// and always current), which leaves out only the rules that compare children with each other.
#include <algorithm>
#include <cctype>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>

#include "http/message.h"
#include "store/postcode_store.h"
#include "store/settings.h"
#include "validate/catalogue.h"
#include "validate/record.h"
#include "web/handlers.h"
#include "web/page_kit.h"

namespace cairn::web {
namespace {

// "2025/26" for 2026.
std::string YearLabel(int year) {
  const int end = year % 100;
  return std::to_string(year - 1) + "/" + (end < 10 ? "0" : "") + std::to_string(end);
}

// The years the page offers: those Cairn has rules for, up to the one in progress.
std::vector<int> OfferedYears(Date today) {
  std::vector<int> years;
  const int current = model::CollectionYear::Containing(today).year;
  for (int year = validate::kFirstSsda903Year; year <= std::min(current, validate::kLastSsda903Year); ++year) {
    years.push_back(year);
  }
  return years;
}

// ?year=, or the latest year complete by the page's date.
Result<int> ChosenYear(const Context& context) {
  const std::optional<std::string_view> given = context.request.Query("year");
  const int latest = validate::LatestCompleteYear(context.as_at);
  if (!given || given->empty()) return std::clamp(latest, validate::kFirstSsda903Year, validate::kLastSsda903Year);
  int year = 0;
  for (const char c : *given) {
    if (c < '0' || c > '9' || year > 10000) {
      return Status::InvalidArgument("year must be a collection year written as the year it ends, such as 2026");
    }
    year = year * 10 + (c - '0');
  }
  if (year < validate::kFirstSsda903Year || year > validate::kLastSsda903Year) {
    return Status::InvalidArgument("Cairn has the DfE's rules for the years ending " +
                                   std::to_string(validate::kFirstSsda903Year) + " to " +
                                   std::to_string(validate::kLastSsda903Year) + " only");
  }
  return year;
}

// The postcodes imported into the database (`cairn postcodes import`), for the rules on where a
// child is placed; none when nothing has been imported.
std::function<Result<geography::PostcodeDirectory>(const std::set<std::string, std::less<>>&)> PostcodesFrom(
    store::Connection& db) {
  return [&db](const std::set<std::string, std::less<>>& wanted) -> Result<geography::PostcodeDirectory> {
    CAIRN_ASSIGN_OR_RETURN(int64_t imported, store::CountPostcodes(db));
    if (imported == 0) return geography::PostcodeDirectory();
    return store::LookUpPostcodes(db, wanted);
  };
}

validate::RecordOptions OptionsFor(Context& context, int year) {
  validate::RecordOptions options;
  options.year = year;
  if (Result<std::optional<std::string>> code = store::GetSetting(context.db, "la-code"); code.ok() && *code) {
    options.la_number = **code;
  }
  options.look_up_postcodes = PostcodesFrom(context.db);
  options.threads = std::max(1, context.threads);
  return options;
}

// The whole record's report for `year`, checked once per state of the council. Call without the
// council's lock: it takes the shared lock itself, only to copy the children, so a long check
// never holds up a change being loaded.
Result<std::shared_ptr<const validate::RecordReport>> WholeRecordChecks(Context& context, int year) {
  using Entry = std::pair<std::pair<uint64_t, int>, std::shared_ptr<const validate::RecordReport>>;
  static std::mutex mutex;  // one check at a time: a second request for the same year waits for the first
  static std::list<Entry> kept;  // most recently used first
  constexpr size_t kReportsKept = 4;
  std::lock_guard<std::mutex> guard(mutex);
  std::vector<model::Chronology> children;
  std::pair<uint64_t, int> key;
  {
    std::shared_lock lock(context.council_mutex);
    key = {context.council.generation(), year};
    for (auto it = kept.begin(); it != kept.end(); ++it) {
      if (it->first == key) {
        kept.splice(kept.begin(), kept, it);
        return kept.front().second;
      }
    }
    const std::span<const model::Chronology> all = context.council.chronologies();
    children.assign(all.begin(), all.end());
  }
  CAIRN_ASSIGN_OR_RETURN(validate::RecordReport report, validate::ValidateRecord(children, OptionsFor(context, year)));
  auto shared = std::make_shared<const validate::RecordReport>(std::move(report));
  kept.emplace_front(key, shared);
  if (kept.size() > kReportsKept) kept.pop_back();
  return shared;
}

std::string ColumnsText(const validate::Finding& finding) {
  std::string text;
  for (std::string_view column : finding.columns()) {
    if (!text.empty()) text += ", ";
    text += column;
  }
  return text;
}

std::string ValuesText(const validate::Finding& finding) {
  std::string text;
  const std::vector<std::string_view> values = finding.values();
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string value(values[i]);
    text += (i == 0 ? "" : ", ") + (value.empty() ? std::string("(blank)") : value);
  }
  return text;
}

// "Looked-after episode (legal status and placement)", or what the row is about otherwise.
std::string EventText(const validate::Finding& finding, const validate::FindingPlace& place) {
  if (finding.about_return()) return "The whole return";
  if (!place.event_kind) return "The child's details";
  return std::string(model::Spec(*place.event_kind).title) + (place.previous_year ? " (last year's return)" : "");
}

std::string ReturnKey(validate::ReturnKind kind) { return kind == validate::ReturnKind::kSsda903 ? "ssda903" : "cin"; }

std::string RuleHref(const Context& context, const validate::RuleInfo& rule, int year) {
  return Link(context, "/validation/rule/" + http::PercentEncode(rule.code) + "?year=" + std::to_string(year) +
                           "&return=" + ReturnKey(rule.kind));
}

// The year chooser: a plain GET form, so the chosen year is in the address and links keep it.
std::string YearForm(const Context& context, int chosen) {
  std::string html = "<form method=\"get\" action=\"/validation\" class=\"inline-form\" data-testid=\"year-form\">";
  if (context.past) html += "<input type=\"hidden\" name=\"as-at\" value=\"" + http::EscapeHtml(context.as_at.ToIso()) + "\">";
  html += "<div class=\"field\"><label for=\"year\">Collection year</label><select id=\"year\" name=\"year\">";
  const int latest = validate::LatestCompleteYear(context.as_at);
  for (const int year : OfferedYears(context.as_at)) {
    html += "<option value=\"" + std::to_string(year) + "\"" + (year == chosen ? " selected" : "") + ">" +
            YearLabel(year) + " (1 April " + std::to_string(year - 1) + " to 31 March " + std::to_string(year) + ")" +
            (year > latest ? ", still in progress" : "") + "</option>";
  }
  html += "</select></div> <button type=\"submit\" data-testid=\"year-submit\">Check this year</button></form>\n";
  return html;
}

struct RuleTally {
  const validate::RuleInfo* rule = nullptr;
  int64_t places = 0;
  std::set<std::string> children;
};

}  // namespace

// GET /validation[?year=Y]: the summary by rule.
http::Response ValidationPage(Context& context) {
  Result<int> year = ChosenYear(context);
  if (!year.ok()) return ErrorResponse(400, year.status().message(), context.api);
  Result<std::shared_ptr<const validate::RecordReport>> checked = WholeRecordChecks(context, *year);
  if (!checked.ok()) {
    return ErrorResponse(500, "Cairn could not check the " + YearLabel(*year) + " returns: " + checked.status().message(),
                         context.api);
  }
  const validate::RecordReport& record = **checked;
  const validate::Report& report = record.report;

  // By rule, in catalogue order (the report's), and by return.
  std::vector<RuleTally> tallies;
  std::map<const validate::RuleInfo*, size_t> index_of;
  struct ReturnTally {
    int64_t places = 0;
    std::set<std::string> children;
    int run = 0, skipped = 0, not_written = 0, with_findings = 0;
  };
  std::map<validate::ReturnKind, ReturnTally> by_return;
  std::set<std::string> all_children;
  int64_t errors = 0, queries = 0;
  for (const validate::Finding& finding : report.findings) {
    auto [at, added] = index_of.emplace(finding.rule, tallies.size());
    if (added) tallies.push_back({finding.rule, 0, {}});
    RuleTally& tally = tallies[at->second];
    ++tally.places;
    ReturnTally& of_return = by_return[finding.rule->kind];
    ++of_return.places;
    if (added) ++of_return.with_findings;
    if (!finding.child_id().empty()) {
      const std::string child(finding.child_id());
      tally.children.insert(child);
      of_return.children.insert(child);
      all_children.insert(child);
    }
    (finding.rule->type == validate::RuleType::kError ? errors : queries) += 1;
  }
  for (const validate::RuleInfo* rule : report.run) ++by_return[rule->kind].run;
  for (const validate::RuleInfo* rule : report.skipped) ++by_return[rule->kind].skipped;
  for (const validate::RuleInfo* rule : report.not_written) ++by_return[rule->kind].not_written;

  Table rules("rules", "Rules broken in " + YearLabel(*year),
              {{"code", "Rule"},
               {"return", "Return"},
               {"type", "Error or query"},
               {"message", "What the DfE's rule says"},
               {"places", "Places", ColumnKind::kNumber},
               {"children", "Children", ColumnKind::kNumber}});
  rules.TestId("rules-table").Sortable().Filterable();
  for (const RuleTally& tally : tallies) {
    const validate::RuleInfo& rule = *tally.rule;
    Cell code = Cell::Link(rule.code, RuleHref(context, rule, *year), "rule-" + ReturnKey(rule.kind) + "-" + rule.code);
    rules.AddRow({std::move(code), Cell::Text(std::string(validate::ReturnKindName(rule.kind))),
                  Cell::Text(std::string(validate::RuleTypeName(rule.type))), Cell::Text(rule.message),
                  Cell::Number(static_cast<double>(tally.places)),
                  Cell::Number(static_cast<double>(tally.children.size()))});
  }

  Table returns("returns", "By return",
                {{"return", "Return"},
                 {"checked", "Rules checked", ColumnKind::kNumber},
                 {"broken", "Rules broken", ColumnKind::kNumber},
                 {"places", "Places", ColumnKind::kNumber},
                 {"children", "Children", ColumnKind::kNumber},
                 {"could_not_run", "Rules that could not run", ColumnKind::kNumber},
                 {"not_checked", "Rules Cairn does not check yet", ColumnKind::kNumber}});
  returns.TestId("returns-table");
  int not_written = 0;
  for (const auto& [kind, tally] : by_return) {
    not_written += tally.not_written;
    returns.AddRow({Cell::Text(std::string(validate::ReturnKindName(kind))), Cell::Number(tally.run),
                    Cell::Number(tally.with_findings), Cell::Number(static_cast<double>(tally.places)),
                    Cell::Number(static_cast<double>(tally.children.size())), Cell::Number(tally.skipped),
                    Cell::Number(tally.not_written)});
  }

  Table unchecked("not-checked", "Rules Cairn does not check yet, or could not run this time",
                  {{"code", "Rule"}, {"return", "Return"}, {"why", "Why"}, {"message", "What the DfE's rule says"}});
  unchecked.TestId("not-checked-table");
  for (const auto& [list, why] : {std::pair{&report.not_written, "Not yet checked by Cairn"},
                                  std::pair{&report.skipped, "Could not run: a table it reads is not in the return"}}) {
    for (const validate::RuleInfo* rule : *list) {
      unchecked.AddRow({Cell::Text(rule->code), Cell::Text(std::string(validate::ReturnKindName(rule->kind))),
                        Cell::Text(why), Cell::Text(rule->message)});
    }
  }

  Dashboard page;
  page.testid = "validation-heading";
  page.heading = "DfE return checks, " + YearLabel(*year);
  page.intro =
      "These checks are the DfE's validation rules for the SSDA903 (children looked after) and CIN census (children "
      "in need) returns, run on the returns Cairn would send for " + YearLabel(*year) +
      " from the record as it stands today. An error must be put right before the DfE accepts the return; a query "
      "must be put right or explained. Choose a rule to see each child and record that breaks it.";
  page.figures = true;
  page.summary = {{std::to_string(errors), errors == 1 ? "error" : "errors"},
                  {std::to_string(queries), queries == 1 ? "query" : "queries"},
                  {std::to_string(all_children.size()), "children with something to put right"},
                  {std::to_string(not_written), not_written == 1 ? "rule not yet checked" : "rules not yet checked"}};
  std::string year_html = YearForm(context, *year);
  if (!record.cin_checked) {
    year_html += "<p>The CIN census is checked for the years ending 2023 to 2026 only: Cairn does not have the DfE's "
                 "rules for " + YearLabel(*year) + "'s census yet.</p>\n";
  }
  if (record.without_postcodes) {
    year_html += "<p data-testid=\"no-postcodes\">No postcode directory has been imported, so the rules on where a "
                 "child is placed (the placement's council and its distance from home) could not run. An "
                 "administrator can import it with <code>cairn postcodes import</code>.</p>\n";
  }
  page.sections.push_back({"Which year", "", "", "", year_html});
  page.tables.push_back(std::move(rules));
  page.tables.push_back(std::move(returns));
  page.tables.push_back(std::move(unchecked));
  const std::string broken_intro =
      page.tables[0].size() == 0
          ? "No rule that Cairn checks is broken in " + YearLabel(*year) + "."
          : "A place is one value, row or return that breaks the rule; a child may break a rule in several places.";
  page.sections.push_back({"Rules broken", broken_intro, "rules"});
  page.sections.push_back({"By return", "", "returns"});
  Dashboard::Section unchecked_section{
      "What is not checked",
      std::to_string(not_written) + (not_written == 1 ? " rule is" : " rules are") +
          " not yet checked by Cairn: the DfE's validator may still raise them. Rules that could not run need a "
          "table the return does not have this year (last year's, or the postcodes).",
      "not-checked"};
  unchecked_section.folded = "The rules not checked (" + std::to_string(page.tables[2].size()) + ")";
  page.sections.push_back(std::move(unchecked_section));
  http::Response response = Respond(context, page);
  // Figures about every child's record: recorded as the council's pages are, as read-aggregates.
  if (context.audit_action == "read-aggregates") {
    context.audit_detail = "DfE return checks " + YearLabel(*year) + ": " + std::to_string(report.findings.size()) +
                           " places, " + std::to_string(all_children.size()) + " children";
  }
  return response;
}

// GET /validation/rule/{code}?year=Y[&return=ssda903|cin]: every place that breaks the rule.
http::Response ValidationRulePage(Context& context) {
  Result<int> year = ChosenYear(context);
  if (!year.ok()) return ErrorResponse(400, year.status().message(), context.api);
  const std::string code(context.match.Param("code"));
  if (code.empty() || code.size() > 12 ||
      !std::all_of(code.begin(), code.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
    return ErrorResponse(400, "A DfE rule is named by its code, letters and digits such as 146 or 8675Q.", context.api);
  }
  const std::string wanted_return(context.request.Query("return").value_or(""));
  if (!wanted_return.empty() && wanted_return != "ssda903" && wanted_return != "cin") {
    return ErrorResponse(400, "return must be ssda903 or cin (or left out for both).", context.api);
  }
  Result<const validate::Catalogue*> catalogue = validate::Catalogue::Embedded();
  if (!catalogue.ok()) return ErrorResponse(500, catalogue.status().message(), context.api);
  std::vector<const validate::RuleInfo*> versions;
  for (const validate::ReturnKind kind : {validate::ReturnKind::kSsda903, validate::ReturnKind::kCinCensus}) {
    if (!wanted_return.empty() && wanted_return != ReturnKey(kind)) continue;
    const validate::RuleInfo* rule = (*catalogue)->Find(kind, code, validate::RuleSetYear(kind, *year));
    if (rule != nullptr) versions.push_back(rule);
  }
  if (versions.empty()) {
    return ErrorResponse(404, "The DfE has no rule " + code + " for " + YearLabel(*year) + ".", context.api, "not-found");
  }
  Result<std::shared_ptr<const validate::RecordReport>> checked = WholeRecordChecks(context, *year);
  if (!checked.ok()) {
    return ErrorResponse(500, "Cairn could not check the " + YearLabel(*year) + " returns: " + checked.status().message(),
                         context.api);
  }
  const validate::RecordReport& record = **checked;
  const access::Principal& who = context.session->principal;

  Table places("places", "Places that break rule " + code + " in " + YearLabel(*year),
               {{"child_id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
                {"child", "Child", ColumnKind::kText, Shown::kPageOnly},
                {"return", "Return"},
                {"record", "Record"},
                {"date", "Its date", ColumnKind::kDate},
                {"date_field", "Date field", ColumnKind::kText, Shown::kDownloadOnly},
                {"table", "Table"},
                {"field", "Field"},
                {"value", "Value"},
                {"row", "Row", ColumnKind::kNumber}});
  // A rule broken all over the record lists thousands of places: the page shows the first 500, the
  // downloads every one.
  places.ChildColumn("child_id").TestId("places-table").Sortable().Filterable().PageLimit(500);
  size_t out_of_sight = 0;
  {
    std::shared_lock lock(context.council_mutex);
    for (size_t i = 0; i < record.report.findings.size(); ++i) {
      const validate::Finding& finding = record.report.findings[i];
      if (std::find(versions.begin(), versions.end(), finding.rule) == versions.end()) continue;
      const validate::FindingPlace& place = record.places[i];
      Cell child = Cell::Text("The whole return");
      const std::string child_id(finding.child_id());
      if (!child_id.empty()) {
        // Scope is applied here, where the children are chosen: a restricted record stays out.
        const std::optional<size_t> index = context.council.Find(child_id);
        if (!index || !access::CanSee(who, child_id, context.council.place(*index), context.restrictions)) {
          ++out_of_sight;
          continue;
        }
        child = Cell::Link(DisplayName(context.council.chronology(*index).child()),
                           Link(context, "/children/" + http::PercentEncode(child_id)) + "#return-checks",
                           "child-link");
      }
      Cell row = finding.row() ? Cell::Number(static_cast<double>(*finding.row())) : Cell::Text("");
      places.AddRow({Cell::Text(child_id), std::move(child),
                     Cell::Text(std::string(validate::ReturnKindName(finding.rule->kind))),
                     Cell::Text(EventText(finding, place)), Cell::Text(place.date ? place.date->ToIso() : ""),
                     Cell::Text(place.date_column), Cell::Text(std::string(finding.table())), Cell::Text(ColumnsText(finding)),
                     Cell::Text(ValuesText(finding)), std::move(row)});
    }
  }

  const validate::RuleInfo& first = *versions.front();
  Dashboard page;
  page.testid = "validation-rule-heading";
  page.figures = true;  // with no child listed, still a read of the council's figures
  page.heading = "Rule " + code + ", " + YearLabel(*year);
  page.intro = versions.size() == 1
                   ? std::string(validate::ReturnKindName(first.kind)) + " " +
                         std::string(validate::RuleTypeName(first.type)) + ": " + first.message
                   : "Both returns have a rule " + code + ": " + versions[0]->message + " / " + versions[1]->message;
  page.summary = {{std::to_string(places.size()), places.size() == 1 ? "place" : "places"},
                  {std::to_string(places.ChildIds(false).size()), "children"}};
  std::string html = "<p><a href=\"" + http::EscapeHtml(Link(context, "/validation?year=" + std::to_string(*year))) +
                     "\" data-testid=\"back-to-summary\">Back to every rule for " + YearLabel(*year) + "</a></p>\n";
  if ((*catalogue)->LogicFor(first) == nullptr) {
    html += "<p>Cairn does not check this rule yet: the DfE's validator may raise it.</p>\n";
  }
  if (out_of_sight > 0) {
    html += "<p data-testid=\"out-of-sight\">" + std::to_string(out_of_sight) +
            (out_of_sight == 1 ? " place is" : " places are") +
            " on records you cannot see (restricted to named staff) and not listed.</p>\n";
  }
  page.sections.push_back(
      {"Where it is broken",
       "Each row is one place in the return Cairn would send: the child, the record it came from and its date, and "
       "the field and value that break the rule. Open the child to put the record right. Row is the row of the "
       "return's table, counting from 0, as the DfE's validator numbers it.",
       "places", "", html});
  page.tables.push_back(std::move(places));
  return Respond(context, page);
}

ChildReturnChecks ChildChecks(Context& context, const model::Chronology& chronology) {
  ChildReturnChecks checks{Table("return-checks", "DfE rules this child's records break",
                                 {{"code", "Rule"},
                                  {"return", "Return"},
                                  {"type", "Error or query"},
                                  {"message", "What the DfE's rule says"},
                                  {"record", "Record"},
                                  {"date", "Its date", ColumnKind::kDate},
                                  {"field", "Field"},
                                  {"value", "Value"},
                                  {"change", "Put right", ColumnKind::kText, Shown::kPageOnly}}),
                           "", ""};
  checks.table.TestId("return-checks-table");
  const int year = std::clamp(validate::LatestCompleteYear(context.as_at), validate::kFirstSsda903Year,
                              validate::kLastSsda903Year);
  checks.year_label = YearLabel(year);
  Result<validate::RecordReport> checked = validate::ValidateRecord({chronology}, OptionsFor(context, year));
  if (!checked.ok()) {
    checks.note = "Cairn could not check this child's records against the DfE's rules: " + checked.status().message();
    return checks;
  }
  const std::string& id = chronology.child().la_child_id;
  for (size_t i = 0; i < checked->report.findings.size(); ++i) {
    const validate::Finding& finding = checked->report.findings[i];
    if (finding.child_id() != id) continue;  // the return as a whole is not the child's to put right
    const validate::FindingPlace& place = checked->places[i];
    // The event the row was written from, to correct there and then, for a role that may.
    Cell change;
    if (place.event_id != 0 && !context.past) {
      for (const model::Event& event : chronology.events()) {
        if (event.id != place.event_id || !MayCorrectEvent(context, event)) continue;
        change = Cell::Link("Correct", "/children/" + http::PercentEncode(id) + "/events/" + std::to_string(event.id) + "/edit",
                            "correct-finding-" + std::to_string(event.id));
        break;
      }
    }
    checks.table.AddRow({Cell::Text(finding.rule->code), Cell::Text(std::string(validate::ReturnKindName(finding.rule->kind))),
                         Cell::Text(std::string(validate::RuleTypeName(finding.rule->type))),
                         Cell::Text(finding.rule->message), Cell::Text(EventText(finding, place)),
                         Cell::Text(place.date ? place.date->ToIso() : ""), Cell::Text(ColumnsText(finding)),
                         Cell::Text(ValuesText(finding)), std::move(change)});
  }
  return checks;
}

}  // namespace cairn::web
