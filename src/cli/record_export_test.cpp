// Casework recorded through the web's JSON API appears in the next `cairn export` of the SSDA903
// and the CIN census exactly where the DfE's layouts put it, and free text appears in neither.
//
// The whole path runs in one process: a council database, its users signed in to an in-process
// WebApp, events POSTed as a browser's scripts or an integration would send them, then the
// command line's exports read back as the DfE would read them (pugixml for the census, the CSV
// reader for the tables).
#include <gtest/gtest.h>

#include <filesystem>
#include <iterator>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "access/accounts.h"
#include "cli/cli_test_support.h"
#include "returns/csv.h"
#include "store/chronology_store.h"
#include "store/database.h"
#include "store/workforce_store.h"
#include "web/app.h"

namespace cairn::cli {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

// Today, for the web and the command line alike: the last day of the 2024/25 collection year.
const Date kToday = D(2025, 3, 31);

// Free text, each marked so that a trace of it in a return is found wherever it lands.
const std::string kStrategyNotes = "FREETEXT-STRATEGY: the uncle's new address is not to be shared";
const std::string kCoreGroupNotes = "FREETEXT-CORE-GROUP: school says attendance 62%";
const std::string kDecision = "FREETEXT-DECISION: escalate to a legal planning meeting";
const std::string kAction = "FREETEXT-ACTION: book the legal planning meeting";

std::string Password(const std::string& username) { return "Orchard-kestrel-river-" + std::to_string(username.size()); }

// A looked-after child or a child in need, with what the returns' headers carry, allocated to
// SW1 so that SW1 (and SW1's team manager) may record for them.
model::Chronology ChildAllocatedToSw1(std::string id, Date born, std::string sex, std::string ethnicity,
                                      std::string upn, Date allocated) {
  model::Chronology chronology(model::Child{.la_child_id = std::move(id),
                                            .upn = std::move(upn),
                                            .birth_date = born,
                                            .sex = std::move(sex),
                                            .ethnicity = std::move(ethnicity)});
  chronology.Add(testing::MakeEvent(model::EventKind::kSocialWorkerAllocation, allocated, std::nullopt, -1,
                                    {{"SW_ID", "SW1"}}));
  return chronology;
}

class RecordThenExport : public ::testing::Test {
 protected:
  struct Session {
    std::string cookie;
    std::string csrf;
  };
  struct Answer {
    int status = 0;
    nlohmann::json body;
  };

  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_record_export_test_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
    const Outcome init = testing::RunCairn({"init", "--db", db_}, kToday);
    ASSERT_EQ(init.code, 0) << init.err;
    {
      auto db = store::Connection::OpenExisting(db_);
      ASSERT_TRUE(db.ok()) << db.status().message();
      auto transaction = store::Transaction::Begin(**db);
      ASSERT_TRUE(transaction.ok());
      const std::vector<model::Team> teams = {{"T1", "Assessment North", "assessment"}};
      const std::vector<model::Worker> workers = {{"SW1", "Sam", "social-worker", "T1", false, {}, {}}};
      ASSERT_TRUE(store::SaveWorkforce(**db, teams, workers).ok());
      const std::vector<model::Chronology> children = {
          ChildAllocatedToSw1("N1", D(2016, 2, 14), "F", "WBRI", "A800000000012", D(2024, 6, 3)),
          ChildAllocatedToSw1("L1", D(2012, 5, 1), "M", "WIRI", "B900000000013", D(2024, 9, 2))};
      ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "setup"}).ok());
      ASSERT_TRUE(transaction->Commit().ok());

      auto roles = access::RoleCatalogue::BuiltIn();
      ASSERT_TRUE(roles.ok());
      access::Accounts accounts(**db, *roles, clock_, access::PasswordHasher(access::PasswordCost::ForTests()));
      const access::Actor setup{"os:test", "cli", "test", "local"};
      for (const auto& [username, role, worker, team] :
           std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
               {"sam", "practitioner", "SW1", ""}, {"tess", "team-manager", "", "T1"}}) {
        auto added = accounts.AddUser({username, role, worker, team, "", Password(username)}, setup);
        ASSERT_TRUE(added.ok()) << added.status().message();
      }
    }
    web::WebOptions options;
    options.password_cost = access::PasswordCost::ForTests();
    options.as_at = kToday;
    options.threads = 1;
    auto app = web::WebApp::Open(db_, clock_, options);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
  }
  void TearDown() override {
    app_.reset();
    fs::remove_all(dir_);
  }

  http::Response Send(http::Method method, std::string target, std::string cookie, std::string body,
                      std::string content_type = "application/x-www-form-urlencoded", std::string csrf = "") {
    http::Request request;
    request.method = method;
    request.target = std::move(target);
    request.client = "127.0.0.1";
    if (!cookie.empty()) request.headers.emplace_back("cookie", std::move(cookie));
    if (!csrf.empty()) request.headers.emplace_back("x-csrf-token", std::move(csrf));
    if (method == http::Method::kPost) request.headers.emplace_back("content-type", std::move(content_type));
    request.body = std::move(body);
    return app_->Handle(request);
  }

  static std::string CookieValue(const http::Response& response, std::string_view name) {
    for (const auto& [header, value] : response.headers) {
      if (header != "Set-Cookie" || value.rfind(std::string(name) + "=", 0) != 0) continue;
      return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
    }
    return "";
  }

  // Signs in as a browser does: the sign-in form's token, the password, then the page's CSRF token.
  Session SignIn(const std::string& username) {
    const std::string login_token = CookieValue(Send(http::Method::kGet, "/login", "", ""), "cairn_login");
    http::Response signed_in = Send(http::Method::kPost, "/login", "cairn_login=" + login_token,
                                    "csrf=" + login_token + "&username=" + username + "&password=" + Password(username));
    Session session;
    const std::string token = CookieValue(signed_in, "cairn_session");
    EXPECT_FALSE(token.empty()) << username << " could not sign in";
    session.cookie = "cairn_session=" + token;
    const http::Response home = Send(http::Method::kGet, "/", session.cookie, "");
    const size_t at = home.body.find("name=\"csrf-token\" content=\"");
    if (at != std::string::npos) session.csrf = home.body.substr(at + 27, 64);
    EXPECT_EQ(session.csrf.size(), 64u) << username;
    return session;
  }

  Answer Post(const Session& session, const std::string& target, const nlohmann::json& body) {
    const http::Response response =
        Send(http::Method::kPost, target, session.cookie, body.dump(), "application/json", session.csrf);
    Answer answer{response.status, nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false)};
    return answer;
  }

  // POSTs a new event for the child and expects it saved; returns the API's answer.
  nlohmann::json Record(const Session& session, const std::string& child, const std::string& kind,
                        nlohmann::json fields) {
    // Not confirmed: an event the DfE's layout expects saves without a finding to wave through.
    const Answer answer =
        Post(session, "/api/v1/children/" + child + "/events", {{"kind", kind}, {"fields", std::move(fields)}});
    EXPECT_EQ(answer.status, 201) << kind << " for " << child << ": " << answer.body.dump();
    EXPECT_EQ(answer.body.value("saved", false), true) << kind << " for " << child << ": " << answer.body.dump();
    return answer.body;
  }

  std::string ReadAll(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
  }

  // A table's rows as column name to value, in file order.
  std::vector<std::map<std::string, std::string>> Rows(const fs::path& path) {
    std::vector<std::map<std::string, std::string>> rows;
    Result<CsvTable> table = ReadCsvFile(path.string());
    EXPECT_TRUE(table.ok()) << path << ": " << table.status().message();
    if (!table.ok()) return rows;
    EXPECT_TRUE(table->problems.empty()) << path;
    for (const CsvRecord& record : table->records) {
      std::map<std::string, std::string> row;
      for (size_t i = 0; i < table->header.size(); ++i) row[table->header[i]] = record.fields[i];
      rows.push_back(std::move(row));
    }
    return rows;
  }

  FixedClock clock_{kToday, 1'743'400'000};
  fs::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::string db_;
  std::unique_ptr<web::WebApp> app_;
};

size_t Count(const pugi::xml_node& node, const char* name) {
  const auto range = node.children(name);
  return static_cast<size_t>(std::distance(range.begin(), range.end()));
}

// The texts of every element `name` directly under `node`, in order.
std::vector<std::string> Texts(const pugi::xml_node& node, const char* name) {
  std::vector<std::string> texts;
  for (pugi::xml_node child : node.children(name)) texts.emplace_back(child.text().get());
  return texts;
}

std::string Text(const pugi::xml_node& node, const char* name) { return node.child(name).text().get(); }

TEST_F(RecordThenExport, EventsRecordedThroughTheWebAreWhereTheDfeLayoutsPutThem) {
  const Session sam = SignIn("sam");
  const Session tess = SignIn("tess");

  // A child in need: referral, assessment with its factors, a CIN plan, a strategy discussion, a
  // section 47 enquiry and its conference, a CP plan, a review, a core group, and oversight.
  Record(sam, "N1", "cin-episode",
         {{"CINreferralDate", "2024-06-03"}, {"ReferralSource", "3A"}, {"PrimaryNeedCode", "N1"}, {"ReferralNFA", false}});
  Record(sam, "N1", "assessment",
         {{"AssessmentActualStartDate", "2024-06-04"},
          {"AssessmentAuthorisationDate", "2024-07-12"},
          {"AssessmentFactors", nlohmann::json::array({"2B", "3B"})}});
  Record(sam, "N1", "cin-plan", {{"CINPlanStartDate", "2024-07-12"}, {"CINPlanEndDate", "2024-08-01"}});
  Record(sam, "N1", "strategy-discussion", {{"date", "2024-07-15"}, {"outcome", "s47"}, {"notes", kStrategyNotes}});
  Record(sam, "N1", "section-47",
         {{"S47ActualStartDate", "2024-07-15"},
          {"InitialCPCtarget", "2024-08-05"},
          {"DateOfInitialCPC", "2024-08-02"},
          {"ICPCnotRequired", false}});
  Record(sam, "N1", "initial-cp-conference", {{"date", "2024-08-02"}, {"outcome", "plan"}});
  Record(sam, "N1", "cp-plan",
         {{"CPPstartDate", "2024-08-02"}, {"InitialCategoryOfAbuse", "NEG"}, {"LatestCategoryOfAbuse", "EMO"}});
  Record(sam, "N1", "cp-review", {{"CPPreviewDate", "2024-10-25"}});
  Record(sam, "N1", "core-group", {{"date", "2024-08-20"}, {"notes", kCoreGroupNotes}});
  Record(tess, "N1", "oversight", {{"date", "2024-08-05"}, {"type", "case-direction"}, {"decision", kDecision}});
  Record(tess, "N1", "direction",
         {{"date", "2024-08-05"}, {"owner", "SW1"}, {"due_date", "2024-08-19"}, {"action", kAction}});

  // A looked-after child: into care, a review, a change of placement (the first episode ended
  // by correcting it, as a practitioner does, then the new one), and a second review.
  const nlohmann::json first = Record(sam, "L1", "looked-after-episode",
                                      {{"DECOM", "2024-09-02"},
                                       {"RNE", "S"},
                                       {"LS", "V2"},
                                       {"CIN", "N1"},
                                       {"PLACE", "U1"},
                                       {"PLACE_PROVIDER", "PR1"},
                                       {"HOME_POST", "L20 3AB"},
                                       {"PL_POST", "L21 4CD"},
                                       {"URN", "SC123456"}});
  Record(sam, "L1", "cla-review", {{"REVIEW", "2024-09-30"}, {"REVIEW_CODE", "PN1"}});
  const Answer ended = Post(sam, "/api/v1/children/L1/events/" + std::to_string(first.value("event", int64_t{0})),
                            {{"version", first.value("version", int64_t{0})},
                             {"reason", "the placement changed"},
                             {"fields", {{"DEC", "2024-12-01"}, {"REC", "X1"}, {"REASON_PLACE_CHANGE", "CARPL"}}}});
  ASSERT_EQ(ended.status, 200) << ended.body.dump();
  // The DfE's layout ends one episode on the day the next begins: no finding, no confirmation.
  Record(sam, "L1", "looked-after-episode",
         {{"DECOM", "2024-12-01"},
          {"RNE", "P"},
          {"LS", "V2"},
          {"CIN", "N1"},
          {"PLACE", "U3"},
          {"PLACE_PROVIDER", "PR1"},
          {"HOME_POST", "L20 3AB"},
          {"PL_POST", "L22 5EF"},
          {"URN", "SC654321"}});
  Record(sam, "L1", "cla-review", {{"REVIEW", "2025-03-03"}, {"REVIEW_CODE", "PN4"}});

  const fs::path ssda903 = dir_ / "903";
  const Outcome tables = testing::RunCairn(
      {"export", "ssda903", "--db", db_, "--year", "2025", "--out", ssda903.string()}, kToday);
  ASSERT_EQ(tables.code, 0) << tables.err;
  const fs::path cin = dir_ / "cin.xml";
  const Outcome census = testing::RunCairn(
      {"export", "cin", "--db", db_, "--year", "2025", "--lea", "343", "--out", cin.string()}, kToday);
  ASSERT_EQ(census.code, 0) << census.err;

  // SSDA903 Header: the looked-after child alone (a child in need has no place in the 903).
  const auto header = Rows(ssda903 / "header.csv");
  ASSERT_EQ(header.size(), 1u);
  EXPECT_EQ(header[0].at("CHILD"), "L1");
  EXPECT_EQ(header[0].at("SEX"), "M");
  EXPECT_EQ(header[0].at("DOB"), "01/05/2012");
  EXPECT_EQ(header[0].at("ETHNIC"), "WIRI");
  EXPECT_EQ(header[0].at("UPN"), "B900000000013");

  // Episodes, in date order, every value in its column, dates dd/mm/YYYY.
  const auto episodes = Rows(ssda903 / "episodes.csv");
  ASSERT_EQ(episodes.size(), 2u);
  const std::map<std::string, std::string> expected_first = {
      {"CHILD", "L1"},       {"DECOM", "02/09/2024"},  {"RNE", "S"},        {"LS", "V2"},
      {"CIN", "N1"},         {"PLACE", "U1"},          {"PLACE_PROVIDER", "PR1"},
      {"DEC", "01/12/2024"}, {"REC", "X1"},            {"REASON_PLACE_CHANGE", "CARPL"},
      {"HOME_POST", "L20 3AB"}, {"PL_POST", "L21 4CD"}, {"URN", "SC123456"}};
  EXPECT_EQ(episodes[0], expected_first);
  const std::map<std::string, std::string> expected_second = {
      {"CHILD", "L1"}, {"DECOM", "01/12/2024"}, {"RNE", "P"},    {"LS", "V2"},
      {"CIN", "N1"},   {"PLACE", "U3"},         {"PLACE_PROVIDER", "PR1"},
      {"DEC", ""},     {"REC", ""},             {"REASON_PLACE_CHANGE", ""},
      {"HOME_POST", "L20 3AB"}, {"PL_POST", "L22 5EF"}, {"URN", "SC654321"}};
  EXPECT_EQ(episodes[1], expected_second);

  // Reviews, with the child's DOB beside each, as the layout has it.
  const auto reviews = Rows(ssda903 / "reviews.csv");
  ASSERT_EQ(reviews.size(), 2u);
  const std::map<std::string, std::string> first_review = {
      {"CHILD", "L1"}, {"DOB", "01/05/2012"}, {"REVIEW", "30/09/2024"}, {"REVIEW_CODE", "PN1"}};
  const std::map<std::string, std::string> second_review = {
      {"CHILD", "L1"}, {"DOB", "01/05/2012"}, {"REVIEW", "03/03/2025"}, {"REVIEW_CODE", "PN4"}};
  EXPECT_EQ(reviews[0], first_review);
  EXPECT_EQ(reviews[1], second_review);
  // The child in need is in no table of the 903.
  for (const auto& entry : fs::directory_iterator(ssda903)) {
    for (const auto& row : Rows(entry.path())) EXPECT_NE(row.at("CHILD"), "N1") << entry.path();
  }

  // CIN census: the child in need alone (the looked-after child has no CIN episode).
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_file(cin.c_str());
  ASSERT_TRUE(parsed) << parsed.description();
  const pugi::xml_node message = document.child("Message");
  EXPECT_EQ(Text(message.child("Header").child("CollectionDetails"), "Year"), "2025");
  EXPECT_EQ(Text(message.child("Header").child("CollectionDetails"), "ReferenceDate"), "2025-03-31");
  EXPECT_EQ(Text(message.child("Header").child("Source"), "LEA"), "343");
  const pugi::xpath_node_set children = message.select_nodes("Children/Child");
  ASSERT_EQ(children.size(), 1u);
  const pugi::xml_node child = children.first().node();
  const pugi::xml_node identifiers = child.child("ChildIdentifiers");
  EXPECT_EQ(Text(identifiers, "LAchildID"), "N1");
  EXPECT_EQ(Text(identifiers, "UPN"), "A800000000012");
  EXPECT_EQ(Text(identifiers, "PersonBirthDate"), "2016-02-14");
  EXPECT_EQ(Text(identifiers, "Sex"), "F") << "2024/25 carries Sex, not GenderCurrent";
  EXPECT_EQ(Text(child.child("ChildCharacteristics"), "Ethnicity"), "WBRI");

  ASSERT_EQ(Count(child, "CINdetails"), 1u);
  const pugi::xml_node episode = child.child("CINdetails");
  EXPECT_EQ(Text(episode, "CINreferralDate"), "2024-06-03");
  EXPECT_EQ(Text(episode, "ReferralSource"), "3A");
  EXPECT_EQ(Text(episode, "PrimaryNeedCode"), "N1");
  EXPECT_EQ(Text(episode, "ReferralNFA"), "false");
  EXPECT_FALSE(episode.child("CINclosureDate")) << "the episode is open at the year's end";

  ASSERT_EQ(Count(episode, "Assessments"), 1u);
  const pugi::xml_node assessment = episode.child("Assessments");
  EXPECT_EQ(Text(assessment, "AssessmentActualStartDate"), "2024-06-04");
  EXPECT_EQ(Text(assessment, "AssessmentAuthorisationDate"), "2024-07-12");
  EXPECT_EQ(Texts(assessment.child("FactorsIdentifiedAtAssessment"), "AssessmentFactors"),
            (std::vector<std::string>{"2B", "3B"}));

  ASSERT_EQ(Count(episode, "CINPlanDates"), 1u);
  EXPECT_EQ(Text(episode.child("CINPlanDates"), "CINPlanStartDate"), "2024-07-12");
  EXPECT_EQ(Text(episode.child("CINPlanDates"), "CINPlanEndDate"), "2024-08-01");

  ASSERT_EQ(Count(episode, "Section47"), 1u);
  const pugi::xml_node enquiry = episode.child("Section47");
  EXPECT_EQ(Text(enquiry, "S47ActualStartDate"), "2024-07-15");
  EXPECT_EQ(Text(enquiry, "InitialCPCtarget"), "2024-08-05");
  EXPECT_EQ(Text(enquiry, "DateOfInitialCPC"), "2024-08-02");
  EXPECT_EQ(Text(enquiry, "ICPCnotRequired"), "false");

  ASSERT_EQ(Count(episode, "ChildProtectionPlans"), 1u);
  const pugi::xml_node plan = episode.child("ChildProtectionPlans");
  EXPECT_EQ(Text(plan, "CPPstartDate"), "2024-08-02");
  EXPECT_FALSE(plan.child("CPPendDate"));
  EXPECT_EQ(Text(plan, "InitialCategoryOfAbuse"), "NEG");
  EXPECT_EQ(Text(plan, "LatestCategoryOfAbuse"), "EMO");
  EXPECT_EQ(Texts(plan.child("Reviews"), "CPPreviewDate"), (std::vector<std::string>{"2024-10-25"}));

  // Free text (notes, a manager's decision, a direction) never leaves in a return.
  std::vector<std::pair<std::string, std::string>> exported = {{"cin.xml", ReadAll(cin)}};
  for (const auto& entry : fs::directory_iterator(ssda903)) {
    exported.emplace_back(entry.path().filename().string(), ReadAll(entry.path()));
  }
  ASSERT_GE(exported.size(), 13u) << "the twelve SSDA903 tables and the census";
  for (const auto& [name, text] : exported) {
    EXPECT_EQ(text.find("FREETEXT"), std::string::npos) << name;
    for (const std::string& free_text : {kStrategyNotes, kCoreGroupNotes, kDecision, kAction}) {
      EXPECT_EQ(text.find(free_text.substr(free_text.find(':') + 2)), std::string::npos) << name << ": " << free_text;
    }
  }
}

}  // namespace
}  // namespace cairn::cli
