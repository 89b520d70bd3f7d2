// `cairn pack` on a simulated council: every table of every audience's pack resists the
// adversary (disclosure_test.cpp plays it on made-up tables), the figures agree with `cairn
// indicators` and with counts taken straight from the chronology, the HTML reaches nothing
// outside itself and names no child, and the PDF prints with its headings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_test_support.h"
#include "reports/adversary_test_support.h"
#include "reports/pack.h"
#include "reports/pack_sources.h"
#include "indicators/monthly.h"
#include "store/chronology_store.h"
#include "store/database.h"
#include "store/workforce_store.h"

namespace cairn::cli {
namespace {

using testing::RunCairn;

const Date kToday = Date::FromYmdOrDie(2025, 6, 1);
constexpr std::string_view kPeriod = "2024-04-01..2025-03-31";

// Runs a shell command and returns what it printed on its standard output.
std::string Capture(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return out;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) out.append(buffer, n);
  return out;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// One council for the whole suite: a struggling profile over two years, small enough to be quick.
class PackCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("cairn_pack_cli_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    databases_ = new testing::TestDatabases(*dir_);
    db_path_ = new std::string(databases_->Target("council.db"));
    const testing::Outcome made = RunCairn({"simulate", "--db", *db_path_, "--population", "8000", "--years", "2",
                                            "--seed", "11", "--profile", "struggling", "--as-at", "2025-03-31"},
                                           kToday);
    ASSERT_EQ(made.code, 0) << made.err;
  }
  static void TearDownTestSuite() {
    delete databases_;  // on PostgreSQL, drops the schemas
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete db_path_;
  }

  // The pack built in-process, as `cairn pack` builds it.
  struct Built {
    std::unique_ptr<indicators::IndicatorEngine> engine;  // the pack's indicators point into its catalogue
    std::vector<model::Chronology> chronologies;
    store::Workforce workforce;
    reports::Pack pack;
  };
  static Built Build(const std::string& audience) {
    Built built;
    auto calendar = WorkingDayCalendar::EnglandAndWales();
    auto rules = timescales::RuleSet::England(*calendar);
    auto evaluator = timescales::Evaluator::Create(*rules, *calendar);
    auto catalogue = indicators::Catalogue::England();
    auto engine = indicators::IndicatorEngine::Create(std::move(*catalogue), *calendar, *rules);
    EXPECT_TRUE(engine.ok());
    built.engine = std::make_unique<indicators::IndicatorEngine>(std::move(*engine));
    auto db = store::Connection::OpenExisting(*db_path_);
    EXPECT_TRUE(db.ok());
    built.chronologies = std::move(*store::LoadAllChronologies(**db));
    built.workforce = std::move(*store::LoadWorkforce(**db));
    reports::PackInput input;
    input.chronologies = built.chronologies;
    input.workers = built.workforce.workers;
    input.teams = built.workforce.teams;
    input.evaluator = &*evaluator;
    input.engine = built.engine.get();
    input.audience = audience;
    input.period = *reports::ParsePeriod(kPeriod);
    EXPECT_TRUE(reports::ReadPackSettings(**db, input).ok());
    auto definition = reports::PackDefinition::Builtin();
    EXPECT_TRUE(definition.ok()) << definition.status().message();
    auto pack = reports::BuildPack(input, *definition);
    EXPECT_TRUE(pack.ok()) << pack.status().message();
    built.pack = std::move(*pack);
    return built;
  }

  static std::filesystem::path* dir_;
  static testing::TestDatabases* databases_;
  static std::string* db_path_;
};

std::filesystem::path* PackCli::dir_ = nullptr;
testing::TestDatabases* PackCli::databases_ = nullptr;
std::string* PackCli::db_path_ = nullptr;

TEST_F(PackCli, NoSuppressedCellOfAnyTableCanBeWorkedOutFromItsTotals) {
  size_t hidden = 0, secondary = 0;
  for (const std::string audience : {"scrutiny", "corporate-parenting", "improvement-board"}) {
    const Built built = Build(audience);
    ASSERT_FALSE(built.pack.tables.empty());
    for (const reports::CountSection& section : built.pack.tables) {
      SCOPED_TRACE(audience + " / " + section.id);
      const reports::CountTable& counts = section.table.counts();
      for (size_t r = 0; r < counts.grid_rows(); ++r) {
        for (size_t c = 0; c < counts.grid_columns(); ++c) {
          if (reports::IsSmallCount(counts.Get(r, c))) {
            EXPECT_TRUE(section.table.Hidden(r, c)) << r << "," << c;
          }
          if (section.table.Hidden(r, c)) {
            ++hidden;
            if (!section.table.Primary(r, c)) ++secondary;
          }
        }
      }
      // Every suppressed cell tried from its row and column totals and the grand total.
      const auto found = reports::testing::ReconstructByElimination(section.table);
      EXPECT_TRUE(found.empty()) << found.size() << " suppressed cells worked out";
      EXPECT_TRUE(reports::DeterminedCells(section.table).empty());
    }
    // Nor from a figure printed elsewhere in the pack: a share of deadlines met on time that adds
    // up rows of the timeliness table is shown only when none of those rows has a withheld cell,
    // and the plans counted in the management figures are never a few more than the table's.
    auto calendar = WorkingDayCalendar::EnglandAndWales();
    auto rules = timescales::RuleSet::England(*calendar);
    const reports::CountSection* timeliness = nullptr;
    const reports::CountSection* children = nullptr;
    for (const reports::CountSection& section : built.pack.tables) {
      if (section.id == "timeliness") timeliness = &section;
      if (section.id == "children") children = &section;
    }
    ASSERT_NE(timeliness, nullptr);
    ASSERT_NE(children, nullptr);
    for (const reports::MeasureRow& row : built.pack.measures) {
      if (row.id == "cp-plans" && row.after.value && !children->table.Hidden(children->table.counts().rows(), 1)) {
        const int64_t both = static_cast<int64_t>(*row.after.value) -
                             children->table.counts().Get(children->table.counts().rows(), 1);
        EXPECT_FALSE(reports::IsSmallCount(both)) << "plans less the table's: " << both;
      }
      if (!row.over_period || !row.after.value) continue;
      for (size_t r = 0; r < timeliness->row_labels.size(); ++r) {
        for (const timescales::Rule& rule : rules->rules()) {
          if (rule.title != timeliness->row_labels[r] || !indicators::TimelinessCounts(row.id, rule)) continue;
          for (size_t c = 0; c < timeliness->table.counts().grid_columns(); ++c) {
            EXPECT_FALSE(timeliness->table.Hidden(r, c)) << row.id << " is shown beside a withheld cell of " << rule.id;
          }
        }
      }
    }
    // No figure of 1 to 4, nor a share made from one, is shown anywhere else either.
    for (const reports::MeasureRow& row : built.pack.measures) {
      for (const reports::Shown* shown : {&row.before, &row.after}) {
        if (row.unit == indicators::MonthlyUnit::kCount && shown->value) {
          EXPECT_FALSE(reports::IsSmallCount(static_cast<int64_t>(*shown->value))) << row.id;
        }
      }
    }
  }
  // The council is small enough that suppression had work to do, or this test proves nothing.
  EXPECT_GT(hidden, 0u);
  EXPECT_GT(secondary, 0u);
}

TEST_F(PackCli, FiguresAgreeWithCairnIndicatorsAndWithTheChronology) {
  const Built built = Build("scrutiny");
  const reports::Pack& pack = built.pack;
  const testing::Outcome indicators =
      RunCairn({"indicators", "--db", *db_path_, "--year", "2021-2025", "--format", "json"}, kToday);
  ASSERT_EQ(indicators.code, 0) << indicators.err;
  std::map<std::pair<std::string, int>, nlohmann::json> expected;
  for (const std::string& line : testing::SplitLines(indicators.out)) {
    const nlohmann::json value = nlohmann::json::parse(line);
    expected[{value["indicator"].get<std::string>(), value["year"].get<int>()}] = value["value"];
  }
  ASSERT_EQ(pack.indicator_years, (std::vector<int>{2021, 2022, 2023, 2024, 2025}));
  int compared = 0;
  for (const reports::IndicatorRow& row : pack.indicators) {
    for (size_t i = 0; i < row.years.size(); ++i) {
      auto found = expected.find({row.spec->id, row.years[i]});
      ASSERT_NE(found, expected.end()) << "cairn indicators has no " << row.spec->id << " for " << row.years[i];
      const nlohmann::json& value = found->second;
      if (row.values[i].withheld) continue;
      if (value.is_null()) {
        EXPECT_FALSE(row.values[i].value) << row.spec->id << " " << row.years[i];
        continue;
      }
      ASSERT_TRUE(row.values[i].value) << row.spec->id << " " << row.years[i];
      EXPECT_NEAR(*row.values[i].value, value.get<double>(), 0.051) << row.spec->id << " " << row.years[i];
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);

  // Children looked after and referrals, counted straight from the chronology.
  const reports::Period period = pack.period;
  int64_t in_care = 0, referrals = 0, referrals_before = 0;
  for (const model::Chronology& chronology : built.chronologies) {
    bool counted = false;
    for (const model::Event& event : chronology.events()) {
      if (event.kind == model::EventKind::kLookedAfterEpisode && !counted && event.start <= period.to &&
          (!event.end || *event.end >= period.to)) {
        ++in_care, counted = true;
      }
      if (event.kind == model::EventKind::kCinEpisode) {
        if (event.start >= period.from && event.start <= period.to) ++referrals;
        if (event.start >= pack.previous.from && event.start <= pack.previous.to) ++referrals_before;
      }
    }
  }
  ASSERT_GT(in_care, 4);
  auto measure = [&](std::string_view id) -> const reports::MeasureRow& {
    for (const reports::MeasureRow& row : pack.measures) {
      if (row.id == id) return row;
    }
    ADD_FAILURE() << "no measure " << id;
    return pack.measures.front();
  };
  EXPECT_EQ(measure("cla").after.value, static_cast<double>(in_care));
  EXPECT_EQ(measure("referrals").after.value, static_cast<double>(referrals));
  EXPECT_EQ(measure("referrals").before.value, static_cast<double>(referrals_before));
  // The same children in the tables: the grand total of those looked after by age and
  // placement, and the looked-after column of children by team.
  for (const reports::CountSection& section : pack.tables) {
    const reports::CountTable& counts = section.table.counts();
    if (section.id == "looked-after") {
      EXPECT_EQ(counts.Get(counts.rows(), counts.columns()), in_care);
    }
    if (section.id == "children") {
      EXPECT_EQ(counts.Get(counts.rows(), 2), in_care);
    }
  }
  // Something improved or worsened, and members are given questions about it.
  EXPECT_FALSE(pack.improved.empty() && pack.worsened.empty());
  EXPECT_FALSE(pack.questions.empty());
}

TEST_F(PackCli, TheHtmlIsSelfContainedShowsTheMarkAndNamesNoChild) {
  const std::filesystem::path out = *dir_ / "pack.html";
  const testing::Outcome written = RunCairn(
      {"pack", "--db", *db_path_, "--audience", "corporate-parenting", "--period", std::string(kPeriod), "--out", out.string()},
      kToday);
  ASSERT_EQ(written.code, 0) << written.err;
  EXPECT_NE(written.err.find("working out the national indicators"), std::string::npos) << "progress on stderr";
  const std::string html = ReadFile(out);
  ASSERT_EQ(html.rfind("<!doctype html>", 0), 0u);
  for (std::string_view outside : {"src=\"http", "href=\"http", "<script", "<link", "<img", "url(", "@import", "<iframe"}) {
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  }
  EXPECT_NE(html.find("<svg class=\"pack-spark\""), std::string::npos) << "inline charts";
  EXPECT_NE(html.find("Corporate parenting pack"), std::string::npos);
  EXPECT_NE(html.find("data-testid=\"pack-no-published\""), std::string::npos)
      << "no DfE figures were imported, and the pack says so";
  // The corporate parenting pack puts children looked after before the management figures.
  EXPECT_LT(html.find("id=\"pack-looked-after\""), html.find("id=\"pack-measures\""));

  // Every suppressed cell printed as the mark.
  const Built built = Build("corporate-parenting");
  size_t hidden = 0;
  for (const reports::CountSection& section : built.pack.tables) hidden += section.table.HiddenCount();
  size_t marks = 0;
  for (size_t at = html.find("pack-withheld\">[c]<"); at != std::string::npos; at = html.find("pack-withheld\">[c]<", at + 1)) {
    ++marks;
  }
  EXPECT_GE(marks, hidden);
  EXPECT_GT(hidden, 0u);

  // No child's identifier or UPN appears anywhere in it.
  int checked = 0;
  for (const model::Chronology& chronology : built.chronologies) {
    const model::Child& child = chronology.child();
    if (child.la_child_id.size() >= 5) {
      EXPECT_EQ(html.find(">" + child.la_child_id + "<"), std::string::npos) << child.la_child_id;
      EXPECT_EQ(html.find(child.la_child_id), std::string::npos) << child.la_child_id;
      ++checked;
    }
    if (!child.upn.empty()) {
      EXPECT_EQ(html.find(child.upn), std::string::npos);
    }
  }
  EXPECT_GT(checked, 100);
}

TEST_F(PackCli, ThePdfPrintsWithItsPagesAndHeadings) {
  ASSERT_EQ(::access("/usr/bin/pdftotext", X_OK), 0) << "scripts/bootstrap installs poppler-utils";
  const std::filesystem::path out = *dir_ / "pack.pdf";
  const testing::Outcome written = RunCairn(
      {"pack", "--db", *db_path_, "--audience", "improvement-board", "--period", std::string(kPeriod), "--out", out.string()},
      kToday);
  ASSERT_EQ(written.code, 0) << written.err;
  EXPECT_EQ(ReadFile(out).rfind("%PDF", 0), 0u);
  EXPECT_EQ(std::filesystem::status(out).permissions() & std::filesystem::perms::others_all, std::filesystem::perms::none);
  const std::string info = Capture("/usr/bin/pdfinfo '" + out.string() + "'");
  const size_t pages_at = info.find("Pages:");
  ASSERT_NE(pages_at, std::string::npos) << info;
  const int pages = std::atoi(info.c_str() + pages_at + 6);
  // The summary alone, then each of the eight later sections from a page of its own.
  EXPECT_GE(pages, 9) << info;
  EXPECT_LE(pages, 40) << info;
  const std::string text = Capture("/usr/bin/pdftotext -layout '" + out.string() + "' -");
  for (std::string_view heading : {"improvement board pack", "Summary", "What improved", "What worsened",
                                   "Questions members may wish to ask", "Improvement plan",
                                   "No improvement plan has been imported", "Timeliness by rule", "Drift and delay",
                                   "Children looked after and care leavers", "Workforce", "[c]"}) {
    EXPECT_NE(text.find(heading), std::string::npos) << heading;
  }
  // The summary is the first page: the next section's heading is after the first form feed.
  const size_t first_page_end = text.find('\f');
  ASSERT_NE(first_page_end, std::string::npos);
  EXPECT_LT(text.find("Questions members may wish to ask"), first_page_end);
  EXPECT_GT(text.find("Improvement plan"), first_page_end);
}

TEST_F(PackCli, WithTheDfesFiguresImportedEachIndicatorStandsBesideEnglandAsCairnIndicatorsSetsIt) {
  // A council of its own: importing into the suite's would change what the other tests see.
  const std::filesystem::path dir = testing::FreshTestFolder("cairn_pack_dfe_");
  const std::string db = databases_->Target("dfe.db");
  ASSERT_EQ(RunCairn({"simulate", "--db", db, "--population", "3000", "--years", "1", "--seed", "5", "--as-at",
                      "2025-03-31"},
                     kToday)
                .code,
            0);
  const std::string dfe = (std::filesystem::path(CAIRN_REFERENCE_DIR) / "dfe").string();
  ASSERT_EQ(RunCairn({"benchmarks", "import", "--db", db, dfe}, kToday).code, 0);
  ASSERT_EQ(RunCairn({"settings", "set", "--db", db, "la-code", "343"}, kToday).code, 0);
  const std::filesystem::path out = dir / "pack.html";
  const testing::Outcome written =
      RunCairn({"pack", "--db", db, "--audience", "scrutiny", "--period", std::string(kPeriod), "--out", out.string()},
               kToday);
  ASSERT_EQ(written.code, 0) << written.err;
  const std::string html = ReadFile(out);
  EXPECT_EQ(html.find("pack-no-published"), std::string::npos);
  EXPECT_NE(html.find(">Statistical neighbours<"), std::string::npos);

  // England's figure for each indicator and year, as `cairn indicators --compare` gives it.
  const testing::Outcome compared = RunCairn(
      {"indicators", "--db", db, "--year", "2021-2025", "--compare", "england,region,neighbours", "--format", "json"},
      kToday);
  ASSERT_EQ(compared.code, 0) << compared.err;
  std::map<std::pair<std::string, int>, nlohmann::json> expected;
  for (const std::string& line : testing::SplitLines(compared.out)) {
    const nlohmann::json value = nlohmann::json::parse(line);
    expected[{value["indicator"].get<std::string>(), value["year"].get<int>()}] = value;
  }
  auto engine_and_pack = [&]() -> int {
    auto calendar = WorkingDayCalendar::EnglandAndWales();
    auto rules = timescales::RuleSet::England(*calendar);
    auto evaluator = timescales::Evaluator::Create(*rules, *calendar);
    auto engine = indicators::IndicatorEngine::Create(std::move(*indicators::Catalogue::England()), *calendar, *rules);
    auto connection = store::Connection::OpenExisting(db);
    auto chronologies = store::LoadAllChronologies(**connection);
    auto workforce = store::LoadWorkforce(**connection);
    reports::PackInput input;
    input.chronologies = *chronologies;
    input.workers = workforce->workers;
    input.teams = workforce->teams;
    input.evaluator = &*evaluator;
    input.engine = &*engine;
    input.audience = "scrutiny";
    input.period = *reports::ParsePeriod(kPeriod);
    EXPECT_TRUE(reports::ReadPackSettings(**connection, input).ok());
    auto pack = reports::BuildPack(input, *reports::PackDefinition::Builtin());
    EXPECT_TRUE(pack.ok());
    // Checked here, while the engine its rows point into is alive.
    int beside = 0;
    for (const reports::IndicatorRow& row : pack->indicators) {
      if (row.compared_year == 0) continue;
      const nlohmann::json& line = expected.at({row.spec->id, row.compared_year});
      for (auto [name, figure] : {std::pair{"england", &row.comparisons.england}, std::pair{"region", &row.comparisons.region},
                                  std::pair{"neighbours", &row.comparisons.neighbours}}) {
        if (line[name].is_null()) {
          EXPECT_FALSE(figure->value) << row.spec->id << " " << name;
        } else {
          if (!figure->value) {
            ADD_FAILURE() << row.spec->id << " " << name << ": no figure where cairn indicators has one";
            continue;
          }
          // cairn indicators writes counts whole and the rest to one decimal place.
          const double shown_to = row.spec->unit == indicators::Unit::kCount ? 0.51 : 0.051;
          EXPECT_NEAR(*figure->value, line[name].get<double>(), shown_to) << row.spec->id << " " << name;
        }
      }
      ++beside;
    }
    return beside;
  };
  EXPECT_GT(engine_and_pack(), 10) << "indicators set beside England";
  std::filesystem::remove_all(dir);
}

TEST_F(PackCli, BadArgumentsSayWhatIsWrongAndWriteNothing) {
  const std::string out = (*dir_ / "refused.html").string();
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"pack", "--db", *db_path_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCairn(args, kToday);
  };
  testing::Outcome outcome = run({"--audience", "cabinet", "--period", std::string(kPeriod), "--out", out});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("'cabinet' is not an audience; use scrutiny, corporate-parenting or improvement-board"),
            std::string::npos)
      << outcome.err;
  for (std::string period : {"2025-03-31..2024-04-01", "2024-04-01", "2024-04-01..2025-02-30", "last year"}) {
    outcome = run({"--audience", "scrutiny", "--period", period, "--out", out});
    EXPECT_EQ(outcome.code, 1) << period;
    EXPECT_NE(outcome.err.find("--period must be two dates written YYYY-MM-DD..YYYY-MM-DD"), std::string::npos)
        << outcome.err;
  }
  outcome = run({"--audience", "scrutiny", "--period", "2025-04-01..2026-03-31", "--out", out});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("--period cannot end after today (2025-06-01)"), std::string::npos) << outcome.err;
  outcome = run({"--audience", "scrutiny", "--period", std::string(kPeriod), "--out", (*dir_ / "pack.docx").string()});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("must end in .html or .pdf"), std::string::npos) << outcome.err;
  outcome = run({"--audience", "scrutiny"});
  EXPECT_EQ(outcome.code, 2) << "a required option missing is a usage error";
  EXPECT_FALSE(std::filesystem::exists(out));

  // Without Chromium a PDF cannot be printed, and the message says what to do.
  ::setenv("CAIRN_CHROMIUM", (*dir_ / "no-chromium-here").c_str(), 1);
  const std::string pdf = (*dir_ / "refused.pdf").string();
  outcome = run({"--audience", "scrutiny", "--period", std::string(kPeriod), "--out", pdf});
  ::unsetenv("CAIRN_CHROMIUM");
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("printed by Chromium, and there is none at"), std::string::npos) << outcome.err;
  EXPECT_FALSE(std::filesystem::exists(pdf));
  for (const auto& entry : std::filesystem::directory_iterator(*dir_)) {
    EXPECT_EQ(entry.path().filename().string().find("refused"), std::string::npos) << "left behind: " << entry.path();
  }
}

// The improvement board's pack carries the plan rated as `cairn plan show` rates it at the
// period's end: the same rating for every action, the same disagreements with what was reported.
TEST_F(PackCli, TheImprovementBoardsPackRatesThePlanAsCairnPlanShowDoes) {
  const std::string db = databases_->Target("board.db");
  const testing::Outcome copied = RunCairn({"copy", "--from", *db_path_, "--to", db}, kToday);
  ASSERT_EQ(copied.code, 0) << copied.err;
  const testing::Outcome imported =
      RunCairn({"plan", "import", "--db", db, CAIRN_SOURCE_DIR "/docs/examples/improvement-plan.toml"}, kToday);
  ASSERT_EQ(imported.code, 0) << imported.err;
  const std::filesystem::path out = *dir_ / "board.html";
  const testing::Outcome written = RunCairn(
      {"pack", "--db", db, "--audience", "improvement-board", "--period", std::string(kPeriod), "--out", out.string()},
      kToday);
  ASSERT_EQ(written.code, 0) << written.err;
  const std::string html = ReadFile(out);
  EXPECT_EQ(html.find("pack-no-plan"), std::string::npos);

  const testing::Outcome shown =
      RunCairn({"plan", "show", "--db", db, "--as-at", "2025-03-31", "--format", "json"}, kToday);
  ASSERT_EQ(shown.code, 0) << shown.err;
  std::vector<std::string> expected;
  int mismatches = 0;
  for (const std::string& line : testing::SplitLines(shown.out)) {
    const nlohmann::json row = nlohmann::json::parse(line);
    if (row["kind"] != "action") continue;
    const std::string rag = row["rag"];
    expected.push_back(rag == "not-measured" ? "not measured" : rag);
    if (row["mismatch"].get<bool>()) ++mismatches;
  }
  ASSERT_FALSE(expected.empty());
  std::vector<std::string> in_pack;
  const std::string marker = "data-testid=\"pack-plan-rag\">";
  for (size_t at = html.find(marker); at != std::string::npos; at = html.find(marker, at + 1)) {
    const size_t start = at + marker.size();
    in_pack.push_back(html.substr(start, html.find('<', start) - start));
  }
  EXPECT_EQ(in_pack, expected);
  size_t flagged = 0;
  for (size_t at = html.find("pack-plan-mismatch"); at != std::string::npos; at = html.find("pack-plan-mismatch", at + 1)) {
    ++flagged;
  }
  EXPECT_EQ(flagged, static_cast<size_t>(mismatches));
}

}  // namespace
}  // namespace cairn::cli
