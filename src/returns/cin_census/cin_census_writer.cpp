// Writing one year's CIN census XML (contracts and scope rules in cin_census.h).
#include "returns/cin_census/cin_census.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "base/atomic_file.h"
#include "base/display_text.h"
#include "model/event_kind.h"
#include "returns/year_end.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "dev"
#endif

namespace cairn::returns::cin_census {
namespace {

using model::Chronology;
using model::Event;
using model::EventKind;

// Elements of each module in the schema's order. Start and end dates are among them by name;
// AssessmentFactors and Reviews are written after the leaves.
constexpr std::string_view kEpisodeLeaves[] = {"CINreferralDate", "ReferralSource",   "PrimaryNeedCode",
                                               "CINclosureDate",  "ReasonForClosure", "DateOfInitialCPC"};
constexpr std::string_view kAssessmentLeaves[] = {"AssessmentActualStartDate", "AssessmentInternalReviewDate",
                                                  "AssessmentAuthorisationDate"};
constexpr std::string_view kCinPlanLeaves[] = {"CINPlanStartDate", "CINPlanEndDate"};
constexpr std::string_view kSection47Leaves[] = {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
                                                 "ICPCnotRequired"};
constexpr std::string_view kCpPlanLeaves[] = {"CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                                              "LatestCategoryOfAbuse", "NumberOfPreviousCPP"};
constexpr std::string_view kPreProceedingsLeaves[] = {
    "PPStartDate",         "LBPSentDate",      "FGDMMeetingOffer", "FGDMMeetingFac", "InitialPPMeetingDate",
    "ReviewMeetingsCount", "StepDecisionDate", "PPOutcome",        "CourtAppDate",   "LetterInitCPDate"};

struct ModuleLayout {
  EventKind kind;
  std::string_view element;
  std::span<const std::string_view> leaves;
};

// Before ReferralNFA, in schema order; then ReferralNFA; then the rest.
constexpr ModuleLayout kModulesBeforeFlag[] = {
    {EventKind::kAssessment, "Assessments", kAssessmentLeaves},
    {EventKind::kCinPlan, "CINPlanDates", kCinPlanLeaves},
    {EventKind::kSection47, "Section47", kSection47Leaves},
};
constexpr ModuleLayout kModulesAfterFlag[] = {
    {EventKind::kCpPlan, "ChildProtectionPlans", kCpPlanLeaves},
    {EventKind::kPreProceedings, "PreProceedingsandFGDM", kPreProceedingsLeaves},
};

// Buffered output to a string, and on to a file when one is given.
class Output {
 public:
  explicit Output(std::FILE* file) : file_(file) { text_.reserve(file_ != nullptr ? kFlushAt + 4096 : 1 << 16); }

  void Raw(std::string_view text) {
    text_.append(text);
    if (file_ != nullptr && text_.size() >= kFlushAt) Flush();
  }

  void Indent(int depth) { text_.append(static_cast<size_t>(depth) * 2, ' '); }

  void Open(int depth, std::string_view name) {
    Indent(depth);
    text_ += '<';
    text_ += name;
    Raw(">\n");
  }
  void Close(int depth, std::string_view name) {
    Indent(depth);
    text_ += "</";
    text_ += name;
    Raw(">\n");
  }
  // <name>value</name>, left out when the value is empty.
  void Leaf(int depth, std::string_view name, std::string_view value) {
    if (value.empty()) return;
    if (!XmlCanCarry(value)) {
      // Never written: the file would not parse, and the DfE's upload would refuse it.
      if (unwritable_.empty()) {
        unwritable_ = fmt::format("child {}, {}: '{}' holds a character XML cannot carry (shown as \\xNN), so no "
                                  "CIN census can be written; correct the value in Cairn and export again",
                                  EscapeForDisplay(child_), name, EscapeForDisplay(value.substr(0, 200)));
      }
      return;
    }
    Indent(depth);
    text_ += '<';
    text_ += name;
    text_ += '>';
    Escaped(value);
    text_ += "</";
    text_ += name;
    Raw(">\n");
  }

  // Writes what is buffered to the file; false when the file refused it.
  bool Flush() {
    if (file_ == nullptr || text_.empty()) return ok_;
    if (std::fwrite(text_.data(), 1, text_.size(), file_) != text_.size()) ok_ = false;
    text_.clear();
    return ok_;
  }

  bool ok() const { return ok_; }
  std::string& text() { return text_; }
  // The child being written, for messages.
  void set_child(std::string_view id) { child_ = id; }
  // Why a value could not be written ("" when every value could).
  const std::string& unwritable() const { return unwritable_; }

 private:
  static constexpr size_t kFlushAt = size_t{1} << 20;

  // Text content: & < > escaped, and a carriage return as a character reference because a
  // reader would otherwise turn it into a line feed.
  void Escaped(std::string_view value) {
    size_t plain = 0;
    for (size_t i = 0; i < value.size(); ++i) {
      std::string_view replacement;
      switch (value[i]) {
        case '&':
          replacement = "&amp;";
          break;
        case '<':
          replacement = "&lt;";
          break;
        case '>':
          replacement = "&gt;";
          break;
        case '\r':
          replacement = "&#13;";
          break;
        default:
          continue;
      }
      text_.append(value.substr(plain, i - plain));
      text_.append(replacement);
      plain = i + 1;
    }
    text_.append(value.substr(plain));
  }

  std::FILE* file_;
  std::string text_;
  bool ok_ = true;
  std::string child_;
  std::string unwritable_;
};

bool ReportedIn(const Event& event, int year) { return event.provenance.ReportedIn(year); }

// Whether the event's dates touch the collection year: one-day records by their date, others by
// the interval from start to end (or on, when open).
bool Overlaps(const Event& event, const model::CollectionYear& year) {
  if (model::Spec(event.kind).end_field.empty()) return year.Contains(event.start);
  return event.start <= year.end() && (!event.end || *event.end >= year.start());
}

// Whether a section 47 enquiry's initial conference was held in the year: an enquiry begun
// before the year belongs to the year of its conference as well (DfE rules 8715 and 8740).
bool ConferenceIn(const Event& event, const model::CollectionYear& year) {
  if (event.kind != EventKind::kSection47) return false;
  const std::optional<Date> conference = event.GetDate("DateOfInitialCPC");
  return conference && year.Contains(*conference);
}

bool IsModule(EventKind kind) {
  return kind == EventKind::kAssessment || kind == EventKind::kCinPlan || kind == EventKind::kSection47 ||
         kind == EventKind::kCpPlan || kind == EventKind::kPreProceedings;
}

// One child's events, arranged for writing.
class ChildPlan {
 public:
  ChildPlan(const Chronology& chronology, const model::CollectionYear& year, const Layout& layout)
      : chronology_(chronology), year_(year), layout_(layout) {
    const std::vector<Event>& events = chronology.events();
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].parent >= 0 && static_cast<size_t>(events[i].parent) < events.size()) {
        by_parent_.emplace_back(events[i].parent, static_cast<int32_t>(i));
      }
    }
    std::stable_sort(by_parent_.begin(), by_parent_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].kind == EventKind::kCinEpisode && EpisodeInScope(static_cast<int32_t>(i))) {
        episodes_.push_back(static_cast<int32_t>(i));
      }
    }
  }

  const std::vector<int32_t>& episodes() const { return episodes_; }

  // The children of `parent` of `kind` that belong in the year's return, in chronology order.
  std::vector<int32_t> Written(int32_t parent, EventKind kind) const {
    std::vector<int32_t> written;
    for (int32_t index : ChildrenOf(parent)) {
      const Event& event = At(index);
      if (event.kind != kind) continue;
      if (kind == EventKind::kCpReview ? ReportedIn(event, year_.year) || year_.Contains(event.start)
                                       : ModuleInScope(index)) {
        written.push_back(index);
      }
    }
    return written;
  }

  const Event& At(int32_t index) const { return chronology_.events()[static_cast<size_t>(index)]; }
  // The event at `index` as the year's return shows it (returns/year_end.h), in `copy` if need be.
  const Event& Shown(int32_t index, Event& copy) const { return AsShownIn(year_, At(index), copy); }

 private:
  std::span<const std::pair<int32_t, int32_t>> ChildrenRange(int32_t parent) const {
    auto low = std::lower_bound(by_parent_.begin(), by_parent_.end(), parent,
                                [](const auto& entry, int32_t wanted) { return entry.first < wanted; });
    auto high = std::upper_bound(by_parent_.begin(), by_parent_.end(), parent,
                                 [](int32_t wanted, const auto& entry) { return wanted < entry.first; });
    return {low, high};
  }

  std::vector<int32_t> ChildrenOf(int32_t parent) const {
    std::vector<int32_t> children;
    for (const auto& [unused, index] : ChildrenRange(parent)) children.push_back(index);
    return children;
  }

  bool AnyReviewReported(int32_t plan) const {
    for (const auto& [unused, index] : ChildrenRange(plan)) {
      if (At(index).kind == EventKind::kCpReview && ReportedIn(At(index), year_.year)) return true;
    }
    return false;
  }

  bool ModuleInScope(int32_t index) const {
    const Event& event = At(index);
    if (event.kind == EventKind::kPreProceedings && !layout_.pre_proceedings) return false;
    return ReportedIn(event, year_.year) || Overlaps(event, year_) || ConferenceIn(event, year_) ||
           (event.kind == EventKind::kCpPlan && AnyReviewReported(index));
  }

  bool EpisodeInScope(int32_t index) const {
    const Event& episode = At(index);
    if (ReportedIn(episode, year_.year) || Overlaps(episode, year_)) return true;
    for (const auto& [unused, child] : ChildrenRange(index)) {
      const Event& module = At(child);
      if (!IsModule(module.kind)) continue;
      if (module.kind == EventKind::kPreProceedings && !layout_.pre_proceedings) continue;
      if (ReportedIn(module, year_.year) || (module.kind == EventKind::kCpPlan && AnyReviewReported(child))) {
        return true;
      }
    }
    return false;
  }

  const Chronology& chronology_;
  const model::CollectionYear& year_;
  const Layout& layout_;
  std::vector<std::pair<int32_t, int32_t>> by_parent_;  // (parent, child), by parent
  std::vector<int32_t> episodes_;
};

std::string DateText(const std::optional<Date>& date) { return date ? date->ToIso() : std::string(); }

// The value of element `name` of an event: its start or end date, or the field.
std::string ValueOf(const Event& event, std::string_view name) {
  const model::EventKindSpec& spec = model::Spec(event.kind);
  if (name == spec.start_field) return event.start.ToIso();
  if (!spec.end_field.empty() && name == spec.end_field) return DateText(event.end);
  return std::string(event.Get(name));
}

void WriteLeaves(Output& out, int depth, const Event& event, std::span<const std::string_view> leaves) {
  for (std::string_view name : leaves) out.Leaf(depth, name, ValueOf(event, name));
}

void WriteModule(Output& out, const ChildPlan& plan, int32_t index, const ModuleLayout& module) {
  Event copy;
  const Event& event = plan.Shown(index, copy);
  out.Open(4, module.element);
  WriteLeaves(out, 5, event, module.leaves);
  if (module.kind == EventKind::kAssessment) {
    const std::string_view factors = event.Get("AssessmentFactors");
    if (!factors.empty()) {
      out.Open(5, "FactorsIdentifiedAtAssessment");
      size_t begin = 0;
      while (begin <= factors.size()) {
        size_t comma = factors.find(',', begin);
        if (comma == std::string_view::npos) comma = factors.size();
        out.Leaf(6, "AssessmentFactors", factors.substr(begin, comma - begin));
        begin = comma + 1;
      }
      out.Close(5, "FactorsIdentifiedAtAssessment");
    }
  }
  if (module.kind == EventKind::kCpPlan) {
    const std::vector<int32_t> reviews = plan.Written(index, EventKind::kCpReview);
    if (!reviews.empty()) {
      out.Open(5, "Reviews");
      for (int32_t review : reviews) out.Leaf(6, "CPPreviewDate", plan.At(review).start.ToIso());
      out.Close(5, "Reviews");
    }
  }
  out.Close(4, module.element);
}

void WriteChild(Output& out, const Chronology& chronology, const ChildPlan& plan, const Layout& layout,
                const model::CollectionYear& year) {
  const model::Child& child = chronology.child();
  out.Open(2, "Child");
  out.Open(3, "ChildIdentifiers");
  out.Leaf(4, "LAchildID", child.la_child_id);
  out.Leaf(4, "UPN", child.upn);
  out.Leaf(4, "FormerUPN", child.former_upn);
  out.Leaf(4, "UPNunknown", child.upn_unknown);
  out.Leaf(4, "PersonBirthDate", DateText(child.birth_date));
  out.Leaf(4, "ExpectedPersonBirthDate", DateText(child.expected_birth_date));
  out.Leaf(4, layout.sex_element, child.sex);
  out.Leaf(4, "PersonDeathDate", DateText(child.death_date));
  out.Close(3, "ChildIdentifiers");
  out.Open(3, "ChildCharacteristics");
  out.Leaf(4, "Ethnicity", child.ethnicity);
  if (!child.disabilities.empty()) {
    out.Open(4, "Disabilities");
    for (const std::string& disability : child.disabilities) out.Leaf(5, "Disability", disability);
    out.Close(4, "Disabilities");
  }
  out.Close(3, "ChildCharacteristics");
  // The initial conference goes in one place only (DfE rule 2884): in the Section47 module of
  // the enquiry that led to it, and at CINdetails level only for a conference with no enquiry in
  // the return (one begun before the year, or in another council).
  std::vector<std::string> enquiry_conferences;
  for (int32_t episode_index : plan.episodes()) {
    for (int32_t index : plan.Written(episode_index, EventKind::kSection47)) {
      Event copy;
      const std::string_view date = plan.Shown(index, copy).Get("DateOfInitialCPC");
      if (!date.empty()) enquiry_conferences.emplace_back(date);
    }
  }
  for (int32_t episode_index : plan.episodes()) {
    Event copy;
    const Event* shown = &plan.Shown(episode_index, copy);
    const std::string_view conference = shown->Get("DateOfInitialCPC");
    if (!conference.empty() && !ReportedIn(plan.At(episode_index), year.year) &&
        std::find(enquiry_conferences.begin(), enquiry_conferences.end(), conference) != enquiry_conferences.end()) {
      if (shown != &copy) copy = *shown;
      copy.Set("DateOfInitialCPC", "");
      shown = &copy;
    }
    const Event& episode = *shown;
    out.Open(3, "CINdetails");
    WriteLeaves(out, 4, episode, kEpisodeLeaves);
    for (const ModuleLayout& module : kModulesBeforeFlag) {
      for (int32_t index : plan.Written(episode_index, module.kind)) WriteModule(out, plan, index, module);
    }
    out.Leaf(4, "ReferralNFA", episode.Get("ReferralNFA"));
    for (const ModuleLayout& module : kModulesAfterFlag) {
      for (int32_t index : plan.Written(episode_index, module.kind)) WriteModule(out, plan, index, module);
    }
    out.Close(3, "CINdetails");
  }
  out.Close(2, "Child");
}

Status CheckArguments(int collection_year, const WriteOptions& options) {
  if (collection_year < kFirstLayoutYear || collection_year > kLastLayoutYear) {
    return Status::InvalidArgument(
        fmt::format("Cairn writes the CIN census for the collection years {} to {}; {} is not one of them.",
                    CollectionYearLabel(kFirstLayoutYear), CollectionYearLabel(kLastLayoutYear), collection_year));
  }
  const bool three_digits = options.lea.size() == 3 && std::all_of(options.lea.begin(), options.lea.end(),
                                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (!three_digits) {
    return Status::InvalidArgument(
        fmt::format("the CIN census needs the council's three-digit DfE LA code (LEA) in the header; '{}' is not one.",
                    options.lea));
  }
  return Status::Ok();
}

// Writes the whole file to `out`; false when the output refused it.
bool WriteAll(const std::vector<Chronology>& children, int collection_year, const WriteOptions& options, Output& out) {
  const Layout layout = LayoutFor(collection_year);
  const model::CollectionYear year{collection_year};
  out.Raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
  if (options.synthetic) {
    out.Raw("<!-- SYNTHETIC DATA: a council simulated by cairn simulate; no real child's record. -->\n");
  }
  out.Raw("<Message>\n");
  out.Open(1, "Header");
  out.Open(2, "CollectionDetails");
  out.Leaf(3, "Collection", "CIN");
  out.Leaf(3, "Year", std::to_string(collection_year));
  out.Leaf(3, "ReferenceDate", year.end().ToIso());
  out.Close(2, "CollectionDetails");
  out.Open(2, "Source");
  out.Leaf(3, "SourceLevel", options.source_level);
  out.Leaf(3, "LEA", options.lea);
  out.Leaf(3, "SoftwareCode", options.software_code);
  out.Leaf(3, "Release", options.release.empty() ? std::string_view(CAIRN_VERSION) : std::string_view(options.release));
  out.Leaf(3, "SerialNo", options.serial_no);
  out.Leaf(3, "DateTime", options.date_time);
  out.Close(2, "Source");
  out.Close(1, "Header");
  out.Open(1, "Children");
  for (const Chronology& chronology : children) {
    const ChildPlan plan(chronology, year, layout);
    if (plan.episodes().empty()) continue;
    out.set_child(chronology.child().la_child_id);
    WriteChild(out, chronology, plan, layout, year);
    if (!out.ok()) return false;
  }
  out.Close(1, "Children");
  out.Raw("</Message>\n");
  return out.Flush();
}

}  // namespace

Result<std::string> WriteCinCensusText(const std::vector<Chronology>& children, int collection_year,
                                       const WriteOptions& options) {
  CAIRN_RETURN_IF_ERROR(CheckArguments(collection_year, options));
  Output out(nullptr);
  WriteAll(children, collection_year, options, out);
  if (!out.unwritable().empty()) return Status::InvalidArgument(out.unwritable());
  return std::move(out.text());
}

Status WriteCinCensus(const std::vector<Chronology>& children, int collection_year, const std::string& path,
                      const WriteOptions& options) {
  CAIRN_RETURN_IF_ERROR(CheckArguments(collection_year, options));
  const std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) {
      return Status::IoError(fmt::format("could not create the folder {} for the CIN census file: {}",
                                         target.parent_path().string(), ec.message()));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
  bool written = false;
  {
    Output out(file.stream());
    written = WriteAll(children, collection_year, options, out);
    if (!out.unwritable().empty()) return Status::InvalidArgument(out.unwritable());
  }
  if (!written) return Status::IoError(fmt::format("could not write {} (is the disk full?)", path));
  CAIRN_RETURN_IF_ERROR(file.Commit());
  return Status::Ok();
}

}  // namespace cairn::returns::cin_census
