// `cairn pack`: the scrutiny and corporate parenting pack for a period, as a self-contained HTML
// file or a PDF printed from it by headless Chromium. One audit row: the command reads every
// child's record (the pack itself names none).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <thread>

#include "base/atomic_file.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "reports/pack.h"
#include "reports/pack_sources.h"
#include "store/chronology_store.h"
#include "store/workforce_store.h"

extern char** environ;

namespace cairn::cli {
namespace {

struct PackArgs {
  std::string db;
  std::string audience;
  std::string period;
  std::string out;
};

// Chromium can be put elsewhere for a test or an unusual install.
std::string ChromiumPath() {
  const char* set = std::getenv("CAIRN_CHROMIUM");
  return set != nullptr && *set != '\0' ? set : "/usr/bin/chromium";
}

// A fresh private folder for the HTML Chromium prints and its profile; removed when done.
class ScratchFolder {
 public:
  static Result<ScratchFolder> Create() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cairn-pack-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Status::IoError("cannot make a temporary folder in " + std::filesystem::temp_directory_path().string());
    }
    return ScratchFolder(pattern);
  }
  ScratchFolder(ScratchFolder&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchFolder(const ScratchFolder&) = delete;
  ~ScratchFolder() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchFolder(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Prints `html` to PDF with headless Chromium and returns the PDF's bytes.
Result<std::string> PrintToPdf(const std::string& html) {
  const std::string chromium = ChromiumPath();
  if (::access(chromium.c_str(), X_OK) != 0) {
    return Status::FailedPrecondition("a PDF is printed by Chromium, and there is none at " + chromium +
                                      " (install Debian's chromium package, or write --out pack.html)");
  }
  CAIRN_ASSIGN_OR_RETURN(ScratchFolder scratch, ScratchFolder::Create());
  const std::filesystem::path page = scratch.path() / "pack.html";
  const std::filesystem::path pdf = scratch.path() / "pack.pdf";
  const std::filesystem::path log = scratch.path() / "chromium.log";
  {
    std::ofstream file(page, std::ios::binary);
    file << html;
    if (!file.flush()) return Status::IoError("cannot write the page for Chromium in " + scratch.path().string());
  }
  std::vector<std::string> args = {chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--no-first-run",
                                   "--user-data-dir=" + (scratch.path() / "profile").string(),
                                   "--print-to-pdf=" + pdf.string(),
                                   "--no-pdf-header-footer",
                                   "file://" + page.string()};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, chromium.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return Status::IoError("cannot start Chromium at " + chromium + ": " + std::strerror(spawned));
  // Printing takes a few seconds; a Chromium that hangs is stopped after two minutes.
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) return Status::IoError("lost track of Chromium while it printed the pack");
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Status::IoError("Chromium did not finish printing the pack within two minutes");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream printed(pdf, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(printed)), std::istreambuf_iterator<char>());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || bytes.rfind("%PDF", 0) != 0) {
    std::ifstream said(log);
    std::string line, last;
    while (std::getline(said, line)) {
      if (!line.empty()) last = line;
    }
    return Status::IoError("Chromium could not print the pack to PDF" + (last.empty() ? "" : ": " + last.substr(0, 300)));
  }
  return bytes;
}

bool EndsWith(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

}  // namespace

Action DefinePack(CLI::App& app) {
  auto args = std::make_shared<PackArgs>();
  app.add_option("--db", args->db, "Cairn database")->required();
  app.add_option("--audience", args->audience,
                 "Who the pack is for: scrutiny (the whole service), corporate-parenting (children looked after and "
                 "care leavers first) or improvement-board (the whole service and the improvement plan)")
      ->required();
  app.add_option("--period", args->period,
                 "The period the pack covers, YYYY-MM-DD..YYYY-MM-DD (e.g. 2024-04-01..2025-03-31); it is compared "
                 "with the period of the same length just before it")
      ->required();
  app.add_option("--out", args->out, "The file to write: NAME.html (self-contained) or NAME.pdf (printed by Chromium)")
      ->required();
  app.footer(
      "No child is named or can be identified: counts from 1 to 4 are shown as [c], and further cells are withheld "
      "wherever a total would let one be worked out. England, the region and the statistical neighbours appear when "
      "`cairn benchmarks import` has loaded the DfE's figures and `cairn settings set la-code` is set.");
  return [args](Environment& env) -> Status {
    CAIRN_ASSIGN_OR_RETURN(reports::PackDefinition definition, reports::PackDefinition::Builtin());
    if (definition.FindAudience(args->audience) == nullptr) {
      return Status::InvalidArgument("--audience: '" + args->audience + "' is not an audience; use " +
                                     definition.AudienceNames());
    }
    CAIRN_ASSIGN_OR_RETURN(reports::Period period, reports::ParsePeriod(args->period));
    if (period.to > env.clock.Today()) {
      return Status::InvalidArgument("--period cannot end after today (" + env.clock.Today().ToIso() +
                                     "): the pack shows the record as it stood, not as it will be");
    }
    const bool pdf = EndsWith(args->out, ".pdf");
    if (!pdf && !EndsWith(args->out, ".html")) {
      return Status::InvalidArgument("--out: '" + args->out + "' must end in .html or .pdf (which the pack is written as)");
    }
    // Checked before the work: an unwritable --out fails at once, and nothing is left behind.
    CAIRN_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(args->out));

    CAIRN_ASSIGN_OR_RETURN(WorkingDayCalendar calendar, WorkingDayCalendar::EnglandAndWales());
    CAIRN_ASSIGN_OR_RETURN(timescales::RuleSet rules, timescales::RuleSet::England(calendar));
    CAIRN_ASSIGN_OR_RETURN(timescales::Evaluator evaluator, timescales::Evaluator::Create(rules, calendar));
    CAIRN_ASSIGN_OR_RETURN(indicators::Catalogue catalogue, indicators::Catalogue::England());
    CAIRN_ASSIGN_OR_RETURN(indicators::IndicatorEngine engine,
                           indicators::IndicatorEngine::Create(std::move(catalogue), calendar, rules));

    CAIRN_ASSIGN_OR_RETURN(auto db, OpenExistingDatabase(args->db));

    env.err << "Loading children from " << args->db << "...\n";
    CAIRN_ASSIGN_OR_RETURN(std::vector<model::Chronology> chronologies, store::LoadAllChronologies(*db));
    CAIRN_ASSIGN_OR_RETURN(store::Workforce workforce, store::LoadWorkforce(*db));
    reports::PackInput input;
    input.chronologies = chronologies;
    input.workers = workforce.workers;
    input.teams = workforce.teams;
    input.evaluator = &evaluator;
    input.engine = &engine;
    input.audience = args->audience;
    input.period = period;
    input.threads = Threads();
    input.progress = [&env](std::string_view line) { env.err << line << "...\n"; };
    CAIRN_RETURN_IF_ERROR(reports::ReadPackSettings(*db, input));
    if (reports::ShowsPlan(*definition.FindAudience(args->audience))) {
      env.err << "rating the improvement plan...\n";
      CAIRN_RETURN_IF_ERROR(reports::ReadImprovementPlan(*db, input));
    }
    CAIRN_ASSIGN_OR_RETURN(reports::Pack pack, reports::BuildPack(input, definition));
    CAIRN_RETURN_IF_ERROR(store::RecordAudit(*db, env.actor, "read", "",
                                             "cairn pack " + args->audience + " for " + period.from.ToIso() + ".." +
                                                 period.to.ToIso()));
    const std::string html = reports::RenderPackDocument(pack);
    if (pdf) {
      env.err << "printing to PDF with Chromium...\n";
      CAIRN_ASSIGN_OR_RETURN(std::string bytes, PrintToPdf(html));
      CAIRN_RETURN_IF_ERROR(file.Append(bytes));
    } else {
      CAIRN_RETURN_IF_ERROR(file.Append(html));
    }
    CAIRN_RETURN_IF_ERROR(file.Commit());
    env.out << "Wrote the " << pack.audience.title << " for " << period.Text() << " to " << args->out << "\n";
    return Status::Ok();
  };
}

}  // namespace cairn::cli
