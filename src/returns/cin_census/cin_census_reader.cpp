// Reading the CIN census XML (contracts in cin_census.h).
//
// How: one pass over the text (Scanner), a few megabytes ahead of the reading, checks that tags
// nest and finds where the Header and each Child are; pugixml parses the Header, then the
// children found so far, a run of up to a megabyte at a time. The results, errors included, are
// those of scanning the whole outline first. Parsing the whole document at once would hold a DOM
// of the whole file beside the chronologies being built (pugixml took 1.27 GB for a 573 MB
// England-scale file, text included); by runs, the DOM stays small, the text stays untouched so a
// rejected record can be quoted exactly as the council wrote it, and every problem gets its line.
//   A file is mapped into memory rather than read into it (MappedText), and the text behind both
// the scan and the reading goes back to the system a window at a time (TextWindow): the offsets
// into the text stay good, and a page read again comes back from the file. With a sink
// (ReadCinCensusInRuns) the children are handed over a run at a time as well, so neither the
// text nor every child is ever held at once.
#include "returns/cin_census/cin_census.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fcntl.h>
#include <pugixml.hpp>
#include <sys/mman.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include "base/date.h"
#include "base/embedded.h"
#include "model/event_kind.h"
#include "returns/cin_census/cin_census_reader_internal.h"
#include "returns/cin_census/cin_census_runs.h"

namespace cairn::returns::cin_census {
namespace {

using model::Chronology;
using model::Event;
using model::EventKind;
using model::EventKindSpec;
using model::FieldType;

constexpr std::string_view kSourceId = "cin-census";
constexpr size_t kMaxRecordBytes = 64 * 1024;
constexpr size_t kMaxValueBytes = 200;
constexpr size_t kMaxFileBytes = size_t{4} << 30;
constexpr size_t kChunkBytes = size_t{1} << 20;
// How much of a mapped file is read before the text behind is given back (TextWindow).
constexpr size_t kWindowBytes = size_t{16} << 20;
// How far the outline is scanned ahead before the children found are read (Reader::Read).
constexpr size_t kScanBytes = size_t{4} << 20;
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_embed_pcdata;

// ---------------------------------------------------------------------------------------------
// Small text helpers.

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Element names compared many times per child: length and first letter settle most.
bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || a[0] == b[0]) && a == b;
}

std::string_view Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsXmlSpace(text[begin])) ++begin;
  while (end > begin && IsXmlSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

bool IsBlank(std::string_view text) { return Trim(text).empty(); }

// A value for a message or a Problem: cut to a readable length.
std::string Shorten(std::string_view value, size_t limit = kMaxValueBytes) {
  if (value.size() <= limit) return std::string(value);
  return std::string(value.substr(0, limit)) + fmt::format("... ({} bytes in all)", value.size());
}

bool StartsWith(std::string_view text, size_t at, std::string_view prefix) {
  return text.size() - at >= prefix.size() && text.compare(at, prefix.size(), prefix) == 0;
}

// 1-based line of byte offsets in one text. Offsets asked for in turn are usually close to each
// other, so the counter moves a cursor rather than counting from the start each time.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}

  int LineAt(size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset >= offset_) {
      line_ += std::count(text_.begin() + static_cast<std::ptrdiff_t>(offset_),
                          text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    } else {
      line_ -= std::count(text_.begin() + static_cast<std::ptrdiff_t>(offset),
                          text_.begin() + static_cast<std::ptrdiff_t>(offset_), '\n');
    }
    offset_ = offset;
    return static_cast<int>(std::min<int64_t>(line_, std::numeric_limits<int>::max()));
  }

 private:
  std::string_view text_;
  size_t offset_ = 0;
  int64_t line_ = 1;
};

// Hands the text behind a moving point back to the system, a window at a time, when the text is
// a file mapped into memory (MappedText): a 550 MB England-scale file then never sits in the
// process's memory whole. The text stays readable throughout: a page given back and read again
// (a line number counted backwards, a rejected child quoted from earlier in the file) comes back
// from the file. Does nothing for text held in ordinary memory.
class TextWindow {
 public:
  TextWindow(const MappedText* mapped, size_t window_bytes) : mapped_(mapped), window_(window_bytes) {}

  // Nothing before `offset` is needed for now.
  void DoneBefore(size_t offset) {
    if (mapped_ == nullptr || offset < released_ + window_) return;
    mapped_->Release(released_, offset);
    released_ = offset;
  }
  // [begin, end) was read again out of turn: given back again, whole pages around it.
  void Reread(size_t begin, size_t end) const {
    if (mapped_ != nullptr) mapped_->Release(begin, end, /*whole_pages_around=*/true);
  }

 private:
  const MappedText* mapped_;
  size_t window_;
  size_t released_ = 0;
};

// Where a tag that starts at `lt` ('<') ends: the offset just past its '>', or npos. Quoted
// attribute values may hold '>'. Sets `self_closing` for "<a/>"; a '<' inside the tag sets
// `bad_at` to its offset and returns npos.
size_t TagEnd(std::string_view text, size_t lt, bool& self_closing, size_t& bad_at) {
  char quote = 0;
  bad_at = std::string_view::npos;
  for (size_t i = lt + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '<') {
      bad_at = i;
      return std::string_view::npos;
    } else if (c == '>') {
      self_closing = text[i - 1] == '/';
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool EndsName(char c) { return IsXmlSpace(c) || c == '>' || c == '/' || c == '<'; }

std::string_view NameAt(std::string_view text, size_t begin) {
  size_t end = begin;
  while (end < text.size() && !EndsName(text[end])) ++end;
  return text.substr(begin, end - begin);
}

// The end (just past its end tag) of the element whose start tag begins at `begin`, in text
// already known to be well formed; `limit` if it cannot be found before it.
size_t ElementEnd(std::string_view text, size_t begin, size_t limit) {
  int depth = 0;
  size_t p = begin;
  while (p < limit) {
    const size_t lt = text.find('<', p);
    if (lt == std::string_view::npos || lt >= limit) return limit;
    size_t next = std::string_view::npos;
    if (StartsWith(text, lt, "<!--")) {
      const size_t end = text.find("-->", lt + 4);
      next = end == std::string_view::npos ? limit : end + 3;
    } else if (StartsWith(text, lt, "<![CDATA[")) {
      const size_t end = text.find("]]>", lt + 9);
      next = end == std::string_view::npos ? limit : end + 3;
    } else if (StartsWith(text, lt, "<?")) {
      const size_t end = text.find("?>", lt + 2);
      next = end == std::string_view::npos ? limit : end + 2;
    } else {
      bool self_closing = false;
      size_t bad_at = 0;
      const size_t end = TagEnd(text, lt, self_closing, bad_at);
      if (end == std::string_view::npos) return limit;
      next = end;
      if (StartsWith(text, lt, "</")) {
        --depth;
      } else if (!StartsWith(text, lt, "<!") && !self_closing) {
        ++depth;
      }
      if (depth <= 0) return std::min(next, limit);
    }
    p = next;
  }
  return limit;
}

// ---------------------------------------------------------------------------------------------
// The outline of the document: where its Header and Child elements are.

struct Part {
  std::string_view name;
  size_t begin = 0;        // offset of its '<'
  size_t end = 0;          // offset just past its end
  int index = 0;           // 1-based among same-named siblings
  int children_index = 0;  // for parts inside Children: which Children element (1-based)
  int line = 0;            // for parts directly in Message: the line of its '<'
};

struct StrayText {
  size_t offset = 0;
  int line = 0;
  std::string_view text;
  std::string_view parent;  // "Message" or "Children"
};

struct Outline {
  std::vector<Part> message_parts;   // elements directly in Message, Children included
  std::vector<Part> children_parts;  // elements directly in a Children element
  std::vector<StrayText> stray;      // text directly in Message or Children
};

// Counts same-named siblings, for XML paths ("Child[3]").
class SiblingCounter {
 public:
  int Next(std::string_view name) {
    for (auto& [seen, count] : counts_) {
      if (SameName(seen, name)) return ++count;
    }
    counts_.emplace_back(name, 1);
    return 1;
  }
  void Clear() { counts_.clear(); }

 private:
  std::vector<std::pair<std::string_view, int>> counts_;
};

// Finds the outline a stretch at a time (Continue), so that the children found so far can be read
// while the rest of the file is still to be scanned: a large file's first children reach the
// database without waiting for a pass over all of it.
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& file, LineCounter& lines)
      : text_(text),
        file_(file),
        lines_(lines),
        lines_ahead_(text),
        p_(StartsWith(text, 0, "\xEF\xBB\xBF") ? 3 : 0) {}

  // Scans on until at least `bytes` more of the text are done, or to its end. Returns whether
  // there is more to scan; the outline then holds every part that ended before position().
  Result<bool> Continue(size_t bytes) {
    const size_t n = text_.size();
    const size_t stop = bytes >= n - p_ ? n : p_ + bytes;
    size_t& p = p_;
    while (p < n && p < stop) {
      if (text_[p] != '<') {
        size_t q = text_.find('<', p);
        if (q == std::string_view::npos) q = n;
        const std::string_view run = text_.substr(p, q - p);
        if (!IsBlank(run)) {
          const size_t at = p + static_cast<size_t>(run.find_first_not_of(" \t\r\n"));
          if (stack_.empty()) {
            return NotWellFormed(at, root_done_ ? "there is text after the end of the <Message> element"
                                                : "there is text before the first element");
          }
          NoteStray(stack_.size(), stack_.back().name, at, run);
        }
        p = q;
        continue;
      }
      const char next = p + 1 < n ? text_[p + 1] : '\0';
      if (next == '?') {
        const size_t end = text_.find("?>", p + 2);
        if (end == std::string_view::npos)
          return NotWellFormed(p, "a processing instruction '<?' is never closed by '?>'");
        p = end + 2;
        continue;
      }
      if (next == '!') {
        if (StartsWith(text_, p, "<!--")) {
          const size_t end = text_.find("-->", p + 4);
          if (end == std::string_view::npos) return NotWellFormed(p, "a comment '<!--' is never closed by '-->'");
          p = end + 3;
          continue;
        }
        if (StartsWith(text_, p, "<![CDATA[")) {
          if (stack_.empty()) return NotWellFormed(p, "a CDATA section is outside the <Message> element");
          const size_t end = text_.find("]]>", p + 9);
          if (end == std::string_view::npos) {
            return NotWellFormed(p, "a CDATA section '<![CDATA[' is never closed by ']]>'");
          }
          const std::string_view content = text_.substr(p + 9, end - p - 9);
          if (!IsBlank(content)) NoteStray(stack_.size(), stack_.back().name, p, content);
          p = end + 3;
          continue;
        }
        if (StartsWith(text_, p, "<!DOCTYPE")) {
          if (!stack_.empty() || root_done_) {
            return NotWellFormed(p, "a DOCTYPE declaration may only come before the first element");
          }
          const size_t end = DoctypeEnd(p);
          if (end == std::string_view::npos) return NotWellFormed(p, "the DOCTYPE declaration is never closed by '>'");
          p = end;
          continue;
        }
        return NotWellFormed(p, "'<!' starts neither a comment, a CDATA section nor a DOCTYPE declaration");
      }
      bool self_closing = false;
      size_t bad_at = 0;
      const size_t end = TagEnd(text_, p, self_closing, bad_at);
      if (next == '/') {
        const std::string_view name = NameAt(text_, p + 2);
        if (end == std::string_view::npos) {
          return NotWellFormed(bad_at != std::string_view::npos ? bad_at : p,
                               fmt::format("the end tag </{}> is not closed by '>'", Shorten(name, 60)));
        }
        if (name.empty()) return NotWellFormed(p, "an end tag '</' has no element name");
        if (!IsBlank(text_.substr(p + 2 + name.size(), end - 1 - (p + 2 + name.size())))) {
          return NotWellFormed(p, fmt::format("the end tag </{}> has something after its name", Shorten(name, 60)));
        }
        if (stack_.empty()) {
          return NotWellFormed(p, fmt::format("the end tag </{}> has no start tag", Shorten(name, 60)));
        }
        if (stack_.back().name != name) {
          return NotWellFormed(
              p, fmt::format("the end tag </{}> does not match the start tag <{}> on line {}", Shorten(name, 60),
                             Shorten(stack_.back().name, 60), lines_.LineAt(stack_.back().begin)));
        }
        const Open closed = stack_.back();
        stack_.pop_back();
        if (stack_.empty()) root_done_ = true;
        Record(closed.name, closed.begin, end);
        p = end;
        continue;
      }
      const std::string_view name = NameAt(text_, p + 1);
      if (name.empty()) return NotWellFormed(p, "'<' is not followed by an element name");
      if (end == std::string_view::npos) {
        return NotWellFormed(bad_at != std::string_view::npos ? bad_at : p,
                             fmt::format("the tag <{}> is not closed by '>'", Shorten(name, 60)));
      }
      if (stack_.empty()) {
        if (root_done_) {
          return NotWellFormed(
              p, fmt::format("a second top-level element <{}> follows </Message>; a file has one", Shorten(name, 60)));
        }
        if (name != "Message") {
          return Status::InvalidArgument(
              fmt::format("{} line {}: this is not a CIN census file: its top element is <{}>, not <Message>.", file_,
                          lines_.LineAt(p), Shorten(name, 60)));
        }
      }
      if (self_closing) {
        if (stack_.empty()) root_done_ = true;
        Record(name, p, end);
      } else {
        if (stack_.size() == 1 && name == "Children") {
          ++children_elements_;
          children_counter_.Clear();
        }
        stack_.push_back({name, p});
      }
      p = end;
    }
    if (p < n) return true;
    if (!stack_.empty()) {
      return NotWellFormed(n, fmt::format("the file ends before <{}> (opened on line {}) is closed",
                                          Shorten(stack_.back().name, 60), lines_.LineAt(stack_.back().begin)));
    }
    if (!root_done_) {
      return Status::InvalidArgument(
          fmt::format("{} holds no XML element: a CIN census file is XML whose top element is <Message>.", file_));
    }
    return false;
  }

  const Outline& outline() const { return outline_; }
  size_t position() const { return p_; }

 private:
  struct Open {
    std::string_view name;
    size_t begin;
  };

  // An element that just ended (or a self-closing one), kept when at a depth the outline records.
  void Record(std::string_view name, size_t begin, size_t end) {
    if (stack_.size() == 1) {
      outline_.message_parts.push_back(Part{name, begin, end, message_counter_.Next(name), 0, lines_ahead_.LineAt(begin)});
    } else if (stack_.size() == 2 && stack_[1].name == "Children") {
      outline_.children_parts.push_back(Part{name, begin, end, children_counter_.Next(name), children_elements_});
    }
  }

  Status NotWellFormed(size_t at, std::string_view what) {
    return Status::InvalidArgument(fmt::format("{} line {}: the file is not well-formed XML: {}. Nothing was read.",
                                               file_, lines_.LineAt(at), what));
  }

  void NoteStray(size_t depth, std::string_view parent, size_t at, std::string_view text) {
    if (depth == 1 || (depth == 2 && parent == "Children")) {
      outline_.stray.push_back({at, lines_ahead_.LineAt(at), Trim(text), parent});
    }
  }

  size_t DoctypeEnd(size_t p) const {
    int brackets = 0;
    char quote = 0;
    for (size_t i = p + 9; i < text_.size(); ++i) {
      const char c = text_[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        --brackets;
      } else if (c == '>' && brackets <= 0) {
        return i + 1;
      }
    }
    return std::string_view::npos;
  }

  std::string_view text_;
  const std::string& file_;
  LineCounter& lines_;
  // The lines of the message's own parts and stray text, counted as the scan finds them (only
  // ever forward): their findings are made after the children's, and counting back from the
  // last child to the start of a large file would read all of it into memory again.
  LineCounter lines_ahead_;
  size_t p_;  // where scanning goes on from
  std::vector<Open> stack_;
  bool root_done_ = false;
  int children_elements_ = 0;
  SiblingCounter message_counter_;
  SiblingCounter children_counter_;
  Outline outline_;
};

std::string_view DescribeParseStatus(pugi::xml_parse_status status) {
  switch (status) {
    case pugi::status_bad_pi:
      return "a processing instruction '<?...?>' is malformed";
    case pugi::status_bad_comment:
      return "a comment '<!--...-->' is malformed";
    case pugi::status_bad_cdata:
      return "a CDATA section is malformed";
    case pugi::status_bad_doctype:
      return "a DOCTYPE declaration is malformed";
    case pugi::status_bad_pcdata:
      return "text between elements is malformed";
    case pugi::status_bad_start_element:
      return "a start tag is malformed";
    case pugi::status_bad_attribute:
      return "an attribute is malformed (it needs a name, '=' and a quoted value)";
    case pugi::status_bad_end_element:
      return "an end tag is malformed";
    case pugi::status_end_element_mismatch:
      return "an end tag does not match its start tag";
    case pugi::status_unrecognized_tag:
      return "a tag is not recognised ('<' followed by something that is not a name)";
    case pugi::status_append_invalid_root:
    case pugi::status_no_document_element:
      return "there is no element";
    case pugi::status_out_of_memory:
      return "there was not enough memory to read it";
    default:
      return "it could not be parsed";
  }
}

// ---------------------------------------------------------------------------------------------
// XML paths, built only when a problem needs one.

struct PathStep {
  const PathStep* parent = nullptr;
  std::string_view name;
  int index = 0;  // 0: no [n]
};

std::string PathString(const PathStep& step) {
  std::vector<const PathStep*> steps;
  for (const PathStep* s = &step; s != nullptr; s = s->parent) steps.push_back(s);
  std::string path;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    path += '/';
    path += (*it)->name;
    if ((*it)->index > 0) path += fmt::format("[{}]", (*it)->index);
  }
  return path;
}

std::string StepLabel(std::string_view name, int index) { return fmt::format("{}[{}]", name, index); }

// ---------------------------------------------------------------------------------------------
// What the CIN census holds, on top of the kinds table.

struct Module {
  std::string_view element;  // "Assessments"
  EventKind kind;
  std::string_view noun;  // "assessment"
};

constexpr Module kModules[] = {
    {"Assessments", EventKind::kAssessment, "assessment"},
    {"CINPlanDates", EventKind::kCinPlan, "CIN plan"},
    {"Section47", EventKind::kSection47, "section 47 enquiry"},
    {"ChildProtectionPlans", EventKind::kCpPlan, "child protection plan"},
    {"PreProceedingsandFGDM", EventKind::kPreProceedings, "pre-proceedings record"},
};
constexpr std::string_view kModuleElements[] = {"Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans",
                                                "PreProceedingsandFGDM"};

constexpr std::string_view kIdentifierFields[] = {
    "LAchildID",     "UPN", "FormerUPN",      "UPNunknown", "PersonBirthDate", "ExpectedPersonBirthDate",
    "GenderCurrent", "Sex", "PersonDeathDate"};
constexpr std::string_view kCharacteristicFields[] = {"Ethnicity"};
constexpr std::string_view kCharacteristicContainers[] = {"Disabilities"};
constexpr std::string_view kChildContainers[] = {"ChildIdentifiers", "ChildCharacteristics", "CINdetails"};
constexpr std::string_view kCollectionFields[] = {"Collection", "Year", "ReferenceDate"};
constexpr std::string_view kSourceFields[] = {"SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"};
constexpr std::string_view kHeaderContainers[] = {"CollectionDetails", "Source"};
constexpr std::string_view kAssessmentContainers[] = {"FactorsIdentifiedAtAssessment"};
constexpr std::string_view kFactorFields[] = {"AssessmentFactors"};
constexpr std::string_view kCpPlanContainers[] = {"Reviews"};
constexpr std::string_view kReviewFields[] = {"CPPreviewDate"};

// Elements the DfE requires (XSD minOccurs 1) whose absence is reported, not fatal.
std::span<const std::string_view> RequiredFields(EventKind kind) {
  static constexpr std::string_view kEpisode[] = {"ReferralSource", "ReferralNFA"};
  static constexpr std::string_view kSection47[] = {"ICPCnotRequired"};
  static constexpr std::string_view kCpPlan[] = {"InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
                                                 "NumberOfPreviousCPP"};
  switch (kind) {
    case EventKind::kCinEpisode:
      return kEpisode;
    case EventKind::kSection47:
      return kSection47;
    case EventKind::kCpPlan:
      return kCpPlan;
    default:
      return {};
  }
}

// The element names of a kind's leaves in slot order: start, end (if any), then its fields
// other than code lists (assessment factors sit in their own container).
struct KindLeaves {
  std::vector<std::string_view> names;
  bool has_end = false;
};

const KindLeaves& LeavesOf(EventKind kind) {
  static const std::array<KindLeaves, 7> kTable = [] {
    std::array<KindLeaves, 7> table;
    const EventKind kinds[] = {EventKind::kCinEpisode,    EventKind::kAssessment, EventKind::kCinPlan,
                               EventKind::kSection47,     EventKind::kCpPlan,     EventKind::kCpReview,
                               EventKind::kPreProceedings};
    for (EventKind each : kinds) {
      const EventKindSpec& spec = model::Spec(each);
      KindLeaves& leaves = table[static_cast<size_t>(each)];
      leaves.names.push_back(spec.start_field);
      if (!spec.end_field.empty()) {
        leaves.names.push_back(spec.end_field);
        leaves.has_end = true;
      }
      for (const model::FieldSpec& field : spec.fields) {
        if (field.type != FieldType::kCodeList) leaves.names.push_back(field.name);
      }
    }
    return table;
  }();
  return kTable[static_cast<size_t>(kind)];
}

// ---------------------------------------------------------------------------------------------
// The leaves of one record.

constexpr size_t kMaxLeaves = 16;

struct Leaves {
  explicit Leaves(std::span<const std::string_view> leaf_names) : names(leaf_names) {}

  int Slot(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (SameName(names[i], name)) return static_cast<int>(i);
    }
    return -1;
  }
  std::string_view Get(std::string_view name) const {
    const int slot = Slot(name);
    return slot < 0 ? std::string_view() : value[static_cast<size_t>(slot)];
  }
  bool Given(std::string_view name) const {
    const int slot = Slot(name);
    return slot >= 0 && count[static_cast<size_t>(slot)] > 0;
  }
  size_t OffsetOf(std::string_view name, size_t fallback) const {
    const int slot = Slot(name);
    return slot >= 0 && count[static_cast<size_t>(slot)] > 0 ? offset[static_cast<size_t>(slot)] : fallback;
  }

  std::span<const std::string_view> names;
  std::array<std::string_view, kMaxLeaves> value{};
  std::array<std::string_view, kMaxLeaves> other_value{};  // a second, different value
  std::array<size_t, kMaxLeaves> offset{};
  std::array<int, kMaxLeaves> count{};
  std::array<bool, kMaxLeaves> conflict{};
};

// An element inside a record that is itself a record or a list (a module, Reviews, ...).
struct Nested {
  std::string_view name;
  pugi::xml_node node;
  int index = 0;  // 1-based among same-named siblings
};

class StringWriter : public pugi::xml_writer {
 public:
  void write(const void* data, size_t size) override { text.append(static_cast<const char*>(data), size); }
  std::string text;
};

// The element's XML without layout, for telling exact repeats from different records.
std::string Canonical(pugi::xml_node node) {
  StringWriter writer;
  node.print(writer, "", pugi::format_raw, pugi::encoding_utf8);
  return std::move(writer.text);
}

// How a record among siblings sharing a key is treated.
enum class Fate : uint8_t { kRead, kRepeat, kConflict };

struct Sorted {
  std::vector<Fate> fate;
  std::vector<std::vector<int>> others;  // positions (into the siblings) sharing the key
};

// Siblings sharing a non-empty key: when all have the same XML the first is read and the rest
// are repeats; otherwise every one conflicts.
Sorted SortOutKeys(const std::vector<Nested>& siblings, const std::vector<std::string_view>& keys) {
  Sorted sorted;
  sorted.fate.assign(siblings.size(), Fate::kRead);
  sorted.others.resize(siblings.size());
  if (siblings.size() < 2) return sorted;
  std::vector<int> order(siblings.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return keys[static_cast<size_t>(a)] < keys[static_cast<size_t>(b)]; });
  size_t group_begin = 0;
  while (group_begin < order.size()) {
    size_t group_end = group_begin + 1;
    const std::string_view key = keys[static_cast<size_t>(order[group_begin])];
    while (group_end < order.size() && keys[static_cast<size_t>(order[group_end])] == key) ++group_end;
    if (!key.empty() && group_end - group_begin > 1) {
      std::vector<int> members(order.begin() + static_cast<std::ptrdiff_t>(group_begin),
                               order.begin() + static_cast<std::ptrdiff_t>(group_end));
      std::sort(members.begin(), members.end());
      const std::string first = Canonical(siblings[static_cast<size_t>(members[0])].node);
      bool same = true;
      for (size_t m = 1; m < members.size() && same; ++m) {
        same = Canonical(siblings[static_cast<size_t>(members[m])].node) == first;
      }
      for (size_t m = 0; m < members.size(); ++m) {
        const size_t at = static_cast<size_t>(members[m]);
        sorted.fate[at] = same ? (m == 0 ? Fate::kRead : Fate::kRepeat) : Fate::kConflict;
        for (int other : members) {
          if (other != members[m]) sorted.others[at].push_back(other);
        }
      }
    }
    group_begin = group_end;
  }
  return sorted;
}

bool IsWholeNumber(std::string_view value) {
  return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// DfE UPN shape (XSD upntype): a letter, eleven digits, then a digit or a letter.
bool IsUpnShape(std::string_view value) {
  if (value.size() != 13 || !IsLetter(value[0]) || !(IsDigit(value[12]) || IsLetter(value[12]))) return false;
  return std::all_of(value.begin() + 1, value.begin() + 12, IsDigit);
}

// ---------------------------------------------------------------------------------------------
// The reader.

class Reader {
 public:
  Reader(std::string_view text, std::string file, const CodeLists& codes, const MappedText* mapped = nullptr,
         size_t window_bytes = kWindowBytes)
      : text_(text), file_(std::move(file)), codes_(codes), lines_(text), window_(mapped, window_bytes) {}

  // Children go to `sink` in runs of about `run_children` as they are read (ReadCinCensusInRuns).
  void HandChildrenTo(ChildrenSink sink, size_t run_children) {
    sink_ = std::move(sink);
    run_children_ = std::max<size_t>(run_children, 1);
  }

  Result<ImportBatch> Read() {
    if (text_.empty()) {
      return Status::InvalidArgument(
          fmt::format("{} is empty: a CIN census file is XML whose top element is <Message>.", file_));
    }
    if (StartsWith(text_, 0, "\xFF\xFE") || StartsWith(text_, 0, "\xFE\xFF")) {
      return Status::InvalidArgument(
          fmt::format("{} is saved as UTF-16 text; save it as UTF-8 and import it again.", file_));
    }
    batch_.source = std::string(kSourceId);
    batch_.files.push_back(file_);

    // The scan and the reading of children take turns, a few megabytes at a time: the children
    // found so far are read (and, with a sink, handed over) while the rest is still to be
    // scanned. The Header comes first in a census file; until it is found no child is read.
    Scanner scanner(text_, file_, lines_);
    bool header_read = false;
    size_t header_findings_end = 0;  // the Header's findings come first in batch_.findings
    size_t next_child = 0;           // the first child part not yet read
    bool more = true;
    // A file with more than one fault says what a reading of the whole outline first would
    // have said: a fault the scan finds later in the file, then a message part that does not
    // parse, come before a fault in the Header or a child.
    auto after_the_outline = [&](Status fault) -> Status {
      while (more) {
        CAIRN_ASSIGN_OR_RETURN(more, scanner.Continue(std::numeric_limits<size_t>::max()));
      }
      std::vector<Problem> ignored;
      CAIRN_RETURN_IF_ERROR(NoteMessageParts(scanner.outline(), ignored));
      return fault;
    };
    while (more) {
      CAIRN_ASSIGN_OR_RETURN(more, scanner.Continue(scan_bytes_));
      const Outline& outline = scanner.outline();
      parts_ = &outline.children_parts;
      if (!header_read) {
        const auto header = std::find_if(outline.message_parts.begin(), outline.message_parts.end(),
                                         [](const Part& part) { return part.name == "Header"; });
        if (header == outline.message_parts.end() && more) {
          // The children found are kept for when the Header is; the text before them is done with.
          window_.DoneBefore(outline.children_parts.empty()
                                 ? scanner.position()
                                 : std::min(scanner.position(), outline.children_parts.front().begin));
          continue;
        }
        if (header == outline.message_parts.end()) {
          std::vector<Problem> ignored;
          CAIRN_RETURN_IF_ERROR(NoteMessageParts(outline, ignored));
          return Status::InvalidArgument(fmt::format(
              "{}: there is no <Header> and so no ReferenceDate: the collection year is not known. Nothing was read.",
              file_));
        }
        // A copy: the outline's list of parts grows as the scan goes on.
        const Part found = *header;
        if (Status read = ReadHeader(found); !read.ok()) return after_the_outline(std::move(read));
        header_read = true;
        header_findings_end = batch_.findings.size();
      }
      Result<size_t> read = ReadChildren(next_child, /*all=*/!more);
      if (!read.ok()) return after_the_outline(read.status());
      next_child = *read;
      // The text behind both the scan and the reading is done with.
      window_.DoneBefore(std::min(scanner.position(), next_child < outline.children_parts.size()
                                                          ? outline.children_parts[next_child].begin
                                                          : scanner.position()));
    }

    // The findings in the order of a reading of the whole outline first: the message's own
    // parts, the Header, text stray in the message, then the children.
    const Outline& outline = scanner.outline();
    child_id_.clear();  // these findings belong to no child
    std::vector<Problem> read_so_far = std::move(batch_.findings);
    batch_.findings.clear();
    CAIRN_RETURN_IF_ERROR(NoteMessageParts(outline, batch_.findings));
    const auto header_end = read_so_far.begin() + static_cast<std::ptrdiff_t>(header_findings_end);
    batch_.findings.insert(batch_.findings.end(), std::make_move_iterator(read_so_far.begin()),
                           std::make_move_iterator(header_end));
    if (std::none_of(outline.message_parts.begin(), outline.message_parts.end(),
                     [](const Part& part) { return part.name == "Children"; })) {
      return Status::InvalidArgument(
          fmt::format("{}: there is no <Children> element under <Message>, so there are no children to read.", file_));
    }
    for (const StrayText& stray : outline.stray) {
      batch_.findings.push_back(MakeProblemAtLine(
          stray.parent == "Message" ? "/Message" : "/Message/Children", stray.line, "", stray.text,
          fmt::format("There is text directly inside <{}>, outside any element; it was ignored.", stray.parent)));
    }
    batch_.findings.insert(batch_.findings.end(), std::make_move_iterator(header_end),
                           std::make_move_iterator(read_so_far.end()));
    parts_ = nullptr;  // the outline goes with the scanner
    if (sink_) {
      CAIRN_RETURN_IF_ERROR(HandOver());
      return std::move(batch_);
    }
    LeaveOutDropped();
    return std::move(batch_);
  }

  // How far the outline is scanned ahead of the children read (kScanBytes); the results are the
  // same whatever it is (tests read with a byte at a time).
  void ScanAhead(size_t bytes) { scan_bytes_ = std::max<size_t>(bytes, 1); }

 private:
  // Findings (into `findings`) on the parts directly in <Message> other than the first Header and
  // the Children: a second Children, a second Header, an element a census has no place for.
  Status NoteMessageParts(const Outline& outline, std::vector<Problem>& findings) {
    bool header_seen = false;
    const PathStep message{nullptr, "Message", 0};
    for (const Part& part : outline.message_parts) {
      if (part.name == "Header" && !header_seen) {
        header_seen = true;
      } else if (part.name == "Children") {
        if (part.index == 2) {
          findings.push_back(MakeProblemAtLine("/Message/Children[2]", part.line, "Children", "",
                                               "The file has more than one <Children>; the children of all of them "
                                               "were read."));
        }
      } else {
        CAIRN_RETURN_IF_ERROR(CheckParses(part));
        const PathStep step{&message, part.name, part.index};
        findings.push_back(MakeProblemAtLine(
            PathString(step), part.line, part.name, "",
            part.name == "Header" ? std::string("The file has a second <Header>; only the first was read.")
                                  : fmt::format("<{}> is not part of a CIN census <Message>; it was ignored.",
                                                Shorten(part.name, 60))));
      }
    }
    return Status::Ok();
  }

  // Reads the children from part `first` on, a run at a time (as one XML fragment of up to
  // kChunkBytes): one small DOM at a time, without the cost of a parse per child. Without `all`
  // the last run is left for later when parts still to be found could join it, so the runs are
  // the same however the scan is divided. Returns the first part not read.
  Result<size_t> ReadChildren(size_t first, bool all) {
    const std::vector<Part>& parts = *parts_;
    while (first < parts.size()) {
      size_t last = first + 1;
      while (last < parts.size() && parts[last].children_index == parts[first].children_index &&
             parts[last].end - parts[first].begin <= kChunkBytes) {
        ++last;
      }
      if (last == parts.size() && !all) break;
      window_.DoneBefore(parts[first].begin);
      CAIRN_RETURN_IF_ERROR(ParseRange(parts[first].begin, parts[last - 1].end, doc_, pugi::parse_fragment));
      base_ = parts[first].begin;
      size_t index = first;
      for (pugi::xml_node node = doc_.first_child(); node; node = node.next_sibling()) {
        if (node.type() != pugi::node_element) continue;
        if (index >= last) break;
        ReadChildPart(index++, node);
      }
      if (index != last) {
        return Status::Internal(fmt::format("{}: Cairn lost its place among the children near line {} (a bug).", file_,
                                            lines_.LineAt(parts[first].begin)));
      }
      first = last;
      if (sink_ && batch_.children.size() >= run_children_) CAIRN_RETURN_IF_ERROR(HandOver());
    }
    return first;
  }

  // The children read since the last hand-over, less those a later duplicate rejected.
  void LeaveOutDropped() {
    const auto dropped = [&](size_t i) { return dropped_[handed_over_ + i]; };
    bool any = false;
    for (size_t i = 0; i < batch_.children.size() && !any; ++i) any = dropped(i);
    if (!any) return;
    std::vector<Chronology> kept;
    std::vector<DetailSource> kept_sources;
    kept.reserve(batch_.children.size());
    kept_sources.reserve(batch_.children.size());
    for (size_t i = 0; i < batch_.children.size(); ++i) {
      if (dropped(i)) continue;
      kept.push_back(std::move(batch_.children[i]));
      kept_sources.push_back(std::move(batch_.detail_sources[i]));
    }
    batch_.children = std::move(kept);
    batch_.detail_sources = std::move(kept_sources);
  }

  // Gives the children read so far to the sink.
  Status HandOver() {
    const size_t read = batch_.children.size();
    LeaveOutDropped();
    handed_over_ += read;
    Status taken = sink_(batch_.children, batch_.detail_sources, batch_.rejected.size());
    batch_.children.clear();
    batch_.detail_sources.clear();
    return taken;
  }

  // -- problems ----------------------------------------------------------------------------------

  Problem MakeProblem(std::string location, size_t offset, std::string_view field, std::string_view value,
                      std::string message) {
    return MakeProblemAtLine(std::move(location), lines_.LineAt(offset), field, value, std::move(message));
  }

  Problem MakeProblemAtLine(std::string location, int line, std::string_view field, std::string_view value,
                            std::string message) {
    Problem problem;
    problem.file = file_;
    problem.line = line;
    problem.location = std::move(location);
    problem.field = std::string(field);
    problem.value = Shorten(value);
    problem.message = std::move(message);
    problem.child = child_id_;
    return problem;
  }

  void FindingAt(std::string location, size_t offset, std::string_view field, std::string_view value,
                 std::string message) {
    batch_.findings.push_back(MakeProblem(std::move(location), offset, field, value, std::move(message)));
  }

  void Finding(const PathStep& where, size_t offset, std::string_view field, std::string_view value,
               std::string message) {
    FindingAt(PathString(where), offset, field, value, std::move(message));
  }

  // The XML of the element starting at `begin`, exactly as in the file.
  std::string Fragment(size_t begin, size_t end) const {
    std::string_view record = text_.substr(begin, end - begin);
    if (record.size() <= kMaxRecordBytes) return std::string(record);
    return std::string(record.substr(0, kMaxRecordBytes)) +
           fmt::format("\n<!-- Cairn: cut here; the record has {} bytes in all -->", record.size());
  }

  void Reject(const PathStep& where, size_t begin, std::string_view field, std::string_view value,
              std::string message) {
    const size_t end = ElementEnd(text_, begin, part_end_);
    Problem problem = MakeProblem(PathString(where), begin, field, value, std::move(message));
    problem.record = Fragment(begin, end);
    batch_.rejected.push_back(std::move(problem));
  }

  // Where `node` starts in the text (its '<' for an element), from pugixml's offset into the
  // range last parsed into doc_ (or the header's document).
  size_t OffsetOf(pugi::xml_node node) const {
    const ptrdiff_t offset = node.offset_debug();
    if (offset <= 0) return base_;
    return base_ + static_cast<size_t>(offset) - (node.type() == pugi::node_element ? 1 : 0);
  }

  // Parses text_[begin, end) into `doc`; the offsets of its nodes are then relative to `begin`.
  Status ParseRange(size_t begin, size_t end, pugi::xml_document& doc, unsigned extra_options = 0) {
    pugi::xml_parse_result result;
    if (&doc == &doc_) {
      // The runs of children are parsed in a buffer kept from run to run (pugixml parses in
      // place): load_buffer would allocate, fault in and free a megabyte for every run.
      run_buffer_.assign(text_.data() + begin, end - begin);
      result = doc.load_buffer_inplace(run_buffer_.data(), run_buffer_.size(), kParseOptions | extra_options,
                                       pugi::encoding_utf8);
    } else {
      result = doc.load_buffer(text_.data() + begin, end - begin, kParseOptions | extra_options, pugi::encoding_utf8);
    }
    if (result) return Status::Ok();
    const size_t at = begin + static_cast<size_t>(std::max<ptrdiff_t>(result.offset, 0));
    return Status::InvalidArgument(fmt::format("{} line {}: the file is not well-formed XML: {}. Nothing was read.",
                                               file_, lines_.LineAt(at), DescribeParseStatus(result.status)));
  }

  Status CheckParses(const Part& part) {
    pugi::xml_document doc;
    return ParseRange(part.begin, part.end, doc);
  }

  // -- generic element reading ---------------------------------------------------------------------

  // The text of a leaf element: its own text and any text or CDATA inside it, joined. Elements
  // inside a leaf are reported and ignored.
  std::string_view TextOf(pugi::xml_node node, const PathStep& where) {
    std::string_view own = node.value();
    pugi::xml_node child = node.first_child();
    if (!child) return Trim(own);
    std::string joined(own);
    for (; child; child = child.next_sibling()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        joined += child.value();
      } else if (child.type() == pugi::node_element) {
        Finding(where, OffsetOf(child), node.name(), "",
                fmt::format("<{}> inside <{}> is not part of the CIN census; it was ignored.",
                            Shorten(child.name(), 60), node.name()));
      }
    }
    scratch_.push_back(std::move(joined));
    return Trim(scratch_.back());
  }

  void NoteStrayText(const PathStep& where, pugi::xml_node container) {
    const std::string_view own = Trim(container.value());
    if (!own.empty()) {
      Finding(where, OffsetOf(container), "", own,
              fmt::format("There is text inside <{}>, outside any element; it was ignored.", container.name()));
    }
  }

  // Reads the element children of `record`: leaves named in `leaves`, containers named in
  // `containers` (into `nested`, in order); anything else is a finding.
  void Collect(pugi::xml_node record, const PathStep& where, Leaves& leaves,
               std::span<const std::string_view> containers, std::vector<Nested>& nested) {
    NoteStrayText(where, record);
    SiblingCounter counter;
    for (pugi::xml_node node = record.first_child(); node; node = node.next_sibling()) {
      const pugi::xml_node_type type = node.type();
      if (type == pugi::node_pcdata || type == pugi::node_cdata) {
        const std::string_view text = Trim(node.value());
        if (!text.empty()) {
          Finding(where, OffsetOf(node), "", text,
                  fmt::format("There is text inside <{}>, outside any element; it was ignored.", record.name()));
        }
        continue;
      }
      if (type != pugi::node_element) continue;
      const std::string_view name = node.name();
      const int slot = leaves.Slot(name);
      if (slot >= 0) {
        const size_t s = static_cast<size_t>(slot);
        const std::string_view value = TextOf(node, where);
        if (leaves.count[s] == 0) {
          leaves.value[s] = value;
          leaves.offset[s] = OffsetOf(node);
          if (value.empty()) {
            Finding(where, OffsetOf(node), name, "", fmt::format("{} is empty; it was read as not given.", name));
          }
        } else if (value != leaves.value[s]) {
          if (!leaves.conflict[s]) leaves.other_value[s] = value;
          leaves.conflict[s] = true;
        } else {
          Finding(where, OffsetOf(node), name, value,
                  fmt::format("{} is given twice with the same value; it was read once.", name));
        }
        ++leaves.count[s];
        continue;
      }
      if (std::any_of(containers.begin(), containers.end(),
                      [&](std::string_view container) { return SameName(container, name); })) {
        nested.push_back({name, node, counter.Next(name)});
        continue;
      }
      Finding(where, OffsetOf(node), name, "",
              fmt::format("<{}> is not part of a CIN census <{}>; it was ignored.", Shorten(name, 60), record.name()));
    }
  }

  // The first leaf given twice with different values, as a rejection; true if there was one.
  bool RejectConflict(const PathStep& where, size_t begin, const Leaves& leaves, std::string_view noun) {
    for (size_t s = 0; s < leaves.names.size(); ++s) {
      if (!leaves.conflict[s]) continue;
      Reject(where, begin, leaves.names[s],
             fmt::format("'{}' and '{}'", Shorten(leaves.value[s], 40), Shorten(leaves.other_value[s], 40)),
             fmt::format("{} is given more than once with different values: Cairn cannot tell which is right, so the "
                         "{} was not imported.",
                         leaves.names[s], noun));
      return true;
    }
    return false;
  }

  // Parses the date leaf `name`: nullopt when not given; rejects the record (and sets `failed`)
  // when it is not a date.
  std::optional<Date> DateLeaf(const Leaves& leaves, std::string_view name, const PathStep& where, size_t begin,
                               std::string_view noun, bool& failed) {
    if (failed) return std::nullopt;
    const std::string_view value = leaves.Get(name);
    if (value.empty()) return std::nullopt;
    Result<Date> date = Date::ParseIso(value);
    if (date.ok()) return *date;
    Reject(where, begin, name, value,
           fmt::format("{} is not a date: the CIN census writes dates as YYYY-MM-DD, from 1900 to 2199. The {} "
                       "was not imported.",
                       name, noun));
    failed = true;
    return std::nullopt;
  }

  void CheckCode(const PathStep& where, size_t offset, std::string_view field, std::string_view value) {
    if (value.empty()) return;
    const CodeList* list = codes_.ForField(field);
    if (list == nullptr || list->Contains(value)) return;
    const std::string_view why = list->RetiredBecause(value);
    if (!why.empty()) {
      Finding(where, offset, field, value,
              fmt::format("'{}' is no longer a CIN census code for {}: {}. It was kept as given.", Shorten(value, 40),
                          field, why));
    } else if (list->name == "YesNo") {
      Finding(where, offset, field, value,
              fmt::format("'{}' is not a yes/no value the CIN census accepts for {} (true, false, TRUE, FALSE, 1 or "
                          "0); it was kept as given.",
                          Shorten(value, 40), field));
    } else {
      Finding(where, offset, field, value,
              fmt::format("'{}' is not a CIN census code for {}; it was kept as given.", Shorten(value, 40), field));
    }
  }

  // A date that should not come before another: a finding when it does.
  void CheckOrder(const PathStep& where, size_t offset, std::string_view later_field, std::optional<Date> later,
                  std::string_view earlier_field, std::optional<Date> earlier, std::string_view explanation) {
    if (!later || !earlier || *later >= *earlier) return;
    // The dates go in the value (the findings file), not the message (the terminal).
    Finding(where, offset, later_field, fmt::format("{} ({}: {})", later->ToIso(), earlier_field, earlier->ToIso()),
            fmt::format("{} is before {}: {}. The dates were kept as given.", later_field, earlier_field, explanation));
  }

  void CheckNotAfterReference(const PathStep& where, size_t offset, std::string_view field, std::optional<Date> date) {
    if (!date || *date <= reference_date_) return;
    Finding(where, offset, field, date->ToIso(),
            fmt::format("{} is after the census ReferenceDate {}; it was kept as given.", field,
                        reference_date_.ToIso()));
  }

  // -- header --------------------------------------------------------------------------------------

  Status ReadHeader(const Part& part) {
    pugi::xml_document doc;
    CAIRN_RETURN_IF_ERROR(ParseRange(part.begin, part.end, doc));
    base_ = part.begin;
    part_end_ = part.end;
    const PathStep message{nullptr, "Message", 0};
    const PathStep header{&message, "Header", 0};
    Leaves unused({});
    std::vector<Nested> nested;
    Collect(doc.document_element(), header, unused, kHeaderContainers, nested);

    std::string_view reference_text;
    size_t reference_offset = part.begin;
    bool have_reference = false;
    bool seen_details = false;
    bool seen_source = false;
    for (const Nested& element : nested) {
      const PathStep where{&header, element.name, 0};
      if (element.name == "CollectionDetails") {
        if (seen_details) {
          Finding(where, OffsetOf(element.node), element.name, "",
                  "The header has a second <CollectionDetails>; only the first was read.");
          continue;
        }
        seen_details = true;
        Leaves details(kCollectionFields);
        std::vector<Nested> none;
        Collect(element.node, where, details, {}, none);
        if (details.Given("ReferenceDate")) {
          have_reference = true;
          reference_text = details.Get("ReferenceDate");
          reference_offset = details.OffsetOf("ReferenceDate", part.begin);
        }
        const std::string_view collection = details.Get("Collection");
        if (details.Given("Collection") && collection != "CIN") {
          Finding(where, details.OffsetOf("Collection", part.begin), "Collection", collection,
                  fmt::format("Collection is '{}', not 'CIN'; the file was read as a CIN census.",
                              Shorten(collection, 40)));
        }
      } else {
        if (seen_source) {
          Finding(where, OffsetOf(element.node), element.name, "",
                  "The header has a second <Source>; only the first was read.");
          continue;
        }
        seen_source = true;
        Leaves source(kSourceFields);
        std::vector<Nested> none;
        Collect(element.node, where, source, {}, none);
        if (!source.Given("LEA")) {
          Finding(where, OffsetOf(element.node), "LEA", "", "The header's Source has no LEA (the council's code).");
        }
      }
    }
    const std::string reference_path = "/Message/Header/CollectionDetails/ReferenceDate";
    if (!have_reference || reference_text.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{} line {}: the header has no ReferenceDate ({}), so the collection year is not known. Nothing was read.",
          file_, lines_.LineAt(reference_offset), reference_path));
    }
    Result<Date> reference = Date::ParseIso(reference_text);
    if (!reference.ok()) {
      return Status::InvalidArgument(
          fmt::format("{} line {}: the header's ReferenceDate '{}' ({}) is not a date (YYYY-MM-DD), so the collection "
                      "year is not known. Nothing was read.",
                      file_, lines_.LineAt(reference_offset), Shorten(reference_text, 40), reference_path));
    }
    reference_date_ = *reference;
    year_ = model::CollectionYear::Containing(reference_date_);
    layout_ = LayoutFor(year_.year);
    batch_.collection_year = year_.year;
    batch_.year_basis = fmt::format("ReferenceDate {} in the header: the {} collection year, which contains it",
                                    reference_date_.ToIso(), CollectionYearLabel(year_.year));
    provenance_.source = std::string(kSourceId);
    provenance_.reported_in_years = {year_.year};
    if (reference_date_ != year_.end()) {
      FindingAt(reference_path, reference_offset, "ReferenceDate", reference_text,
                fmt::format("The ReferenceDate should be 31 March, the census day ({}; DfE rule 100). The file was "
                            "read as the {} census, the collection year containing {}.",
                            year_.end().ToIso(), CollectionYearLabel(year_.year), reference_date_.ToIso()));
    }
    if (year_.year < kFirstLayoutYear || year_.year > kLastLayoutYear) {
      FindingAt(reference_path, reference_offset, "ReferenceDate", reference_text,
                fmt::format("The {} census is outside the layouts Cairn knows ({} to {}); it was read with the {} "
                            "layout.",
                            CollectionYearLabel(year_.year), CollectionYearLabel(kFirstLayoutYear),
                            CollectionYearLabel(kLastLayoutYear), CollectionYearLabel(layout_.collection_year)));
    }
    return Status::Ok();
  }

  // -- children ------------------------------------------------------------------------------------

  // Reads the element of one part of Children (`node`, parsed into doc_ from text at base_).
  void ReadChildPart(size_t part_index, pugi::xml_node node) {
    const Part& part = (*parts_)[part_index];
    child_begin_ = part.begin;
    part_end_ = part.end;
    child_id_.clear();
    scratch_.clear();

    const PathStep message{nullptr, "Message", 0};
    const PathStep children{&message, "Children", part.children_index > 1 ? part.children_index : 0};
    const PathStep child_step{&children, part.name, part.index};
    if (part.name != "Child") {
      Finding(child_step, part.begin, part.name, "",
              fmt::format("<{}> is not part of a CIN census <Children>; it was ignored.", Shorten(part.name, 60)));
      return;
    }
    const pugi::xml_node child = node;
    // The key first: it names the child in every problem, and decides whether the rest is read.
    const pugi::xml_node first_identifiers = child.child("ChildIdentifiers");
    child_id_ = KeyOf(first_identifiers, "LAchildID");
    if (!first_identifiers) {
      Reject(child_step, part.begin, "LAchildID", "",
             "The child has no <ChildIdentifiers> and so no LAchildID, the identifier every record hangs on: the "
             "child was not imported.");
      return;
    }
    if (child_id_.empty()) {
      Reject(child_step, part.begin, "LAchildID", "",
             "The child has no LAchildID, the identifier every record hangs on: the child was not imported.");
      return;
    }
    auto [seen, first_time] = seen_.try_emplace(child_id_, SeenChild{part_index, -1, false});
    if (!first_time) {
      HandleRepeatedChild(seen->second, part_index, child, child_step);
      return;
    }

    Leaves unused({});
    std::vector<Nested> nested;
    Collect(child, child_step, unused, kChildContainers, nested);
    std::vector<const Nested*> identifiers;
    std::vector<const Nested*> characteristics;
    std::vector<Nested> episodes;
    for (const Nested& element : nested) {
      if (element.name == "ChildIdentifiers") {
        identifiers.push_back(&element);
      } else if (element.name == "ChildCharacteristics") {
        characteristics.push_back(&element);
      } else {
        episodes.push_back(element);
      }
    }

    const PathStep identifiers_step{&child_step, "ChildIdentifiers", 0};
    Leaves ids(kIdentifierFields);
    {
      std::vector<Nested> none;
      Collect(identifiers.front()->node, identifiers_step, ids, {}, none);
    }
    for (const std::vector<const Nested*>* repeated : {&identifiers, &characteristics}) {
      if (repeated->size() < 2) continue;
      const std::string first = Canonical(repeated->front()->node);
      bool same = true;
      for (size_t i = 1; i < repeated->size(); ++i) same = same && Canonical((*repeated)[i]->node) == first;
      const std::string_view name = repeated->front()->name;
      if (!same) {
        Reject(child_step, part.begin, name, "",
               fmt::format("<{}> is given more than once with different content: Cairn cannot tell which is right, so "
                           "the child was not imported.",
                           name));
        return;
      }
      Finding(child_step, OffsetOf((*repeated)[1]->node), name, "",
              fmt::format("<{}> is given more than once with the same content; it was read once.", name));
    }

    if (RejectConflict(child_step, part.begin, ids, "child")) return;
    bool failed = false;
    model::Child record;
    record.la_child_id = child_id_;
    record.birth_date = DateLeaf(ids, "PersonBirthDate", child_step, part.begin, "child", failed);
    record.expected_birth_date = DateLeaf(ids, "ExpectedPersonBirthDate", child_step, part.begin, "child", failed);
    record.death_date = DateLeaf(ids, "PersonDeathDate", child_step, part.begin, "child", failed);
    if (failed) return;
    record.upn = std::string(ids.Get("UPN"));
    record.former_upn = std::string(ids.Get("FormerUPN"));
    record.upn_unknown = std::string(ids.Get("UPNunknown"));
    CheckIdentifiers(identifiers_step, ids, record, identifiers.front()->node);

    if (characteristics.empty()) {
      Finding(child_step, part.begin, "ChildCharacteristics", "",
              "The child has no <ChildCharacteristics> (Ethnicity, Disabilities); the DfE requires it.");
    } else {
      ReadCharacteristics(child_step, characteristics.front()->node, record);
    }

    Chronology chronology(std::move(record));
    ReadEpisodes(child_step, episodes, chronology);
    seen->second.batch_index = static_cast<int64_t>(handed_over_ + batch_.children.size());
    batch_.children.push_back(std::move(chronology));
    batch_.detail_sources.push_back({file_, lines_.LineAt(OffsetOf(identifiers.front()->node))});
    dropped_.push_back(false);
  }

  struct SeenChild {
    size_t part = 0;           // its place in the outline
    int64_t batch_index = -1;  // its place among the children read (dropped_); -1 when not imported
    bool conflicted = false;   // another Child with this LAchildID differs from it
  };

  // A Child (`node`) whose LAchildID an earlier Child has.
  void HandleRepeatedChild(SeenChild& first, size_t part_index, pugi::xml_node node, const PathStep& child_step) {
    const Part& current = (*parts_)[part_index];
    const Part& earlier = (*parts_)[first.part];
    // The earlier child parsed before, as part of a well-formed run, so it parses again.
    pugi::xml_document earlier_doc;
    earlier_doc.load_buffer(text_.data() + earlier.begin, earlier.end - earlier.begin, kParseOptions,
                            pugi::encoding_utf8);
    const bool same = Canonical(node) == Canonical(earlier_doc.document_element());
    // The earlier child's text, read again here and below, is given back again on the way out.
    struct GiveBack {
      const TextWindow& window;
      const Part& part;
      ~GiveBack() { window.Reread(part.begin, part.end); }
    } give_back{window_, earlier};
    const std::string earlier_label = StepLabel("Child", earlier.index);
    const int earlier_line = lines_.LineAt(earlier.begin);
    if (same && !first.conflicted) {
      Finding(child_step, current.begin, "LAchildID", child_id_,
              fmt::format("This child repeats {} (line {}) exactly, LAchildID and all; it was read once.",
                          earlier_label, earlier_line));
      return;
    }
    Reject(child_step, current.begin, "LAchildID", child_id_,
           fmt::format("LAchildID '{}' is also used by {} (line {}), with different content: Cairn cannot tell which "
                       "is right, so neither child was imported.",
                       Shorten(child_id_, 40), earlier_label, earlier_line));
    if (!first.conflicted) {
      first.conflicted = true;
      if (first.batch_index >= 0) {
        dropped_[static_cast<size_t>(first.batch_index)] = true;
        const PathStep message{nullptr, "Message", 0};
        const PathStep children{&message, "Children", earlier.children_index > 1 ? earlier.children_index : 0};
        const PathStep earlier_step{&children, "Child", earlier.index};
        const size_t saved_end = part_end_;
        part_end_ = earlier.end;
        Reject(earlier_step, earlier.begin, "LAchildID", child_id_,
               fmt::format("LAchildID '{}' is also used by {} (line {}), with different content: Cairn cannot tell "
                           "which is right, so neither child was imported.",
                           Shorten(child_id_, 40), StepLabel("Child", current.index), lines_.LineAt(current.begin)));
        part_end_ = saved_end;
      }
    }
  }

  void CheckIdentifiers(const PathStep& where, const Leaves& ids, model::Child& child, pugi::xml_node node) {
    const size_t fallback = OffsetOf(node);
    for (std::string_view field : {std::string_view("UPN"), std::string_view("FormerUPN")}) {
      const std::string_view value = ids.Get(field);
      if (!value.empty() && !IsUpnShape(value)) {
        Finding(where, ids.OffsetOf(field, fallback), field, value,
                fmt::format("{} is not shaped like a UPN (a letter, 11 digits, then a digit or a letter); it was "
                            "kept as given.",
                            field));
      }
    }
    CheckCode(where, ids.OffsetOf("UPNunknown", fallback), "UPNunknown", ids.Get("UPNunknown"));

    // The child's sex: the element of the year's layout, or the other one (reported).
    const std::string_view expected = layout_.sex_element;
    const std::string_view other = expected == "Sex" ? "GenderCurrent" : "Sex";
    std::string_view used = expected;
    if (ids.Given(expected)) {
      if (ids.Given(other)) {
        Finding(where, ids.OffsetOf(other, fallback), other, ids.Get(other),
                fmt::format("Both <GenderCurrent> and <Sex> are given; the {} census uses <{}>, so that one was kept "
                            "and <{}> ignored.",
                            CollectionYearLabel(year_.year), expected, other));
      }
    } else if (ids.Given(other)) {
      used = other;
      Finding(where, ids.OffsetOf(other, fallback), other, ids.Get(other),
              fmt::format("The child's sex is given as <{}>, the element of the {} census; the {} census uses <{}>. "
                          "The value was kept as given.",
                          other, other == "Sex" ? "2024/25 and later" : "2023/24 and earlier",
                          CollectionYearLabel(year_.year), expected));
    } else {
      Finding(where, fallback, expected, "",
              fmt::format("<{}> is missing; the DfE requires the child's sex.", expected));
    }
    child.sex = std::string(ids.Get(used));
    CheckCode(where, ids.OffsetOf(used, fallback), used, child.sex);

    if (child.birth_date && child.expected_birth_date) {
      Finding(where, ids.OffsetOf("ExpectedPersonBirthDate", fallback), "ExpectedPersonBirthDate",
              ids.Get("ExpectedPersonBirthDate"),
              "Both PersonBirthDate and ExpectedPersonBirthDate are given; the DfE expects one or the other (rule "
              "8525).");
    } else if (!child.birth_date && !child.expected_birth_date) {
      Finding(where, fallback, "PersonBirthDate", "",
              "Neither PersonBirthDate nor ExpectedPersonBirthDate is given; the DfE expects one of them (rule 8525).");
    }
    CheckOrder(where, ids.OffsetOf("PersonDeathDate", fallback), "PersonDeathDate", child.death_date, "PersonBirthDate",
               child.birth_date, "a child cannot die before being born (DfE rule 8535Q)");
  }

  void ReadCharacteristics(const PathStep& child_step, pugi::xml_node node, model::Child& child) {
    const PathStep where{&child_step, "ChildCharacteristics", 0};
    Leaves leaves(kCharacteristicFields);
    std::vector<Nested> nested;
    Collect(node, where, leaves, kCharacteristicContainers, nested);
    child.ethnicity = std::string(leaves.Get("Ethnicity"));  // the first, if given twice
    ReportKeptFirst(where, leaves);
    if (!leaves.Given("Ethnicity")) {
      Finding(where, OffsetOf(node), "Ethnicity", "", "Ethnicity is missing; the DfE requires it.");
    }
    CheckCode(where, leaves.OffsetOf("Ethnicity", OffsetOf(node)), "Ethnicity", child.ethnicity);
    if (nested.size() > 1) {
      Finding(where, OffsetOf(nested[1].node), "Disabilities", "",
              "<Disabilities> is given more than once; the disabilities of all of them were read.");
    }
    for (const Nested& disabilities : nested) {
      const PathStep list_step{&where, "Disabilities", 0};
      NoteStrayText(list_step, disabilities.node);
      SiblingCounter counter;
      for (pugi::xml_node item = disabilities.node.first_child(); item; item = item.next_sibling()) {
        if (item.type() == pugi::node_pcdata || item.type() == pugi::node_cdata) {
          const std::string_view text = Trim(item.value());
          if (!text.empty()) {
            Finding(list_step, OffsetOf(item), "", text,
                    "There is text inside <Disabilities>, outside any element; it was ignored.");
          }
          continue;
        }
        if (item.type() != pugi::node_element) continue;
        if (std::string_view(item.name()) != "Disability") {
          Finding(list_step, OffsetOf(item), item.name(), "",
                  fmt::format("<{}> is not part of a CIN census <Disabilities>; it was ignored.",
                              Shorten(item.name(), 60)));
          continue;
        }
        const PathStep item_step{&list_step, "Disability", counter.Next("Disability")};
        const std::string_view code = TextOf(item, item_step);
        if (code.empty()) {
          Finding(item_step, OffsetOf(item), "Disability", "", "Disability is empty; it was read as not given.");
          continue;
        }
        if (std::find(child.disabilities.begin(), child.disabilities.end(), code) != child.disabilities.end()) {
          Finding(item_step, OffsetOf(item), "Disability", code,
                  fmt::format("Disability '{}' is given twice for this child (DfE rule 8794); it was read once.",
                              Shorten(code, 40)));
          continue;
        }
        CheckCode(item_step, OffsetOf(item), "Disability", code);
        child.disabilities.emplace_back(code);
      }
    }
  }

  // Characteristics are not a record Cairn can leave out on its own: an Ethnicity given twice
  // with different values keeps the first, and says so.
  void ReportKeptFirst(const PathStep& where, const Leaves& leaves) {
    for (size_t s = 0; s < leaves.names.size(); ++s) {
      if (!leaves.conflict[s]) continue;
      Finding(where, leaves.offset[s], leaves.names[s],
              fmt::format("'{}' kept, not '{}'", Shorten(leaves.value[s], 40), Shorten(leaves.other_value[s], 40)),
              fmt::format("{} is given more than once with different values; the first was kept.", leaves.names[s]));
    }
  }

  // -- episodes and modules ------------------------------------------------------------------------

  // The text of the first `field` element inside `node`, read as TextOf reads it (text and CDATA
  // joined, trimmed): the record's key.
  static std::string KeyOf(pugi::xml_node node, const char* field) {
    const pugi::xml_node leaf = node.child(field);
    std::string text = leaf.value();
    for (pugi::xml_node part = leaf.first_child(); part; part = part.next_sibling()) {
      if (part.type() == pugi::node_pcdata || part.type() == pugi::node_cdata) text += part.value();
    }
    return std::string(Trim(text));
  }

  // Sorts out records sharing a key among `siblings`, reports the repeats and conflicts, and
  // returns the ones to read.
  std::vector<const Nested*> Distinct(const PathStep& parent, const std::vector<Nested>& siblings,
                                      std::string_view key_field, std::string_view noun) {
    std::vector<const Nested*> read;
    if (siblings.size() < 2) {
      for (const Nested& sibling : siblings) read.push_back(&sibling);
      return read;
    }
    std::vector<std::string> key_texts;
    key_texts.reserve(siblings.size());
    const std::string key_name(key_field);
    for (const Nested& sibling : siblings) key_texts.push_back(KeyOf(sibling.node, key_name.c_str()));
    const std::vector<std::string_view> keys(key_texts.begin(), key_texts.end());
    const Sorted sorted = SortOutKeys(siblings, keys);
    for (size_t i = 0; i < siblings.size(); ++i) {
      const Nested& sibling = siblings[i];
      const PathStep where{&parent, sibling.name, sibling.index};
      if (sorted.fate[i] == Fate::kRead) {
        read.push_back(&sibling);
        continue;
      }
      std::vector<std::string> labels;
      for (int other : sorted.others[i]) {
        const Nested& o = siblings[static_cast<size_t>(other)];
        labels.push_back(fmt::format("{} (line {})", StepLabel(o.name, o.index), lines_.LineAt(OffsetOf(o.node))));
      }
      const std::string others = fmt::format("{}", fmt::join(labels, ", "));
      if (sorted.fate[i] == Fate::kRepeat) {
        Finding(where, OffsetOf(sibling.node), key_field, keys[i],
                fmt::format("This {} repeats {} exactly ({} {}); it was read once.", noun, others, key_field, keys[i]));
      } else {
        Reject(where, OffsetOf(sibling.node), key_field, keys[i],
               fmt::format("This {} and {} have the same {} ({}) but different content: Cairn cannot tell which is "
                           "right, so none of them was imported.",
                           noun, others, key_field, Shorten(keys[i], 40)));
      }
    }
    return read;
  }

  void ReadEpisodes(const PathStep& child_step, const std::vector<Nested>& episodes, Chronology& chronology) {
    if (episodes.empty()) {
      Finding(child_step, child_begin_, "CINdetails", "",
              "The child has no <CINdetails>; the DfE expects at least one episode per child.");
      return;
    }
    for (const Nested* episode : Distinct(child_step, episodes, "CINreferralDate", "CIN episode (CINdetails)")) {
      ReadEpisode(child_step, *episode, chronology);
    }
  }

  // The leaves of one event's record, checked; nullopt when the record was rejected.
  struct EventRead {
    Event event;
    std::vector<Nested> nested;
    Leaves leaves;
  };

  std::optional<EventRead> ReadEvent(EventKind kind, const PathStep& where, pugi::xml_node node,
                                     std::span<const std::string_view> containers, std::string_view noun,
                                     int32_t parent) {
    const KindLeaves& kind_leaves = LeavesOf(kind);
    const EventKindSpec& spec = model::Spec(kind);
    EventRead read{Event{}, {}, Leaves(kind_leaves.names)};
    Collect(node, where, read.leaves, containers, read.nested);
    const size_t begin = OffsetOf(node);
    if (RejectConflict(where, begin, read.leaves, noun)) return std::nullopt;
    if (read.leaves.Get(spec.start_field).empty()) {
      Reject(where, begin, spec.start_field, "",
             fmt::format("The {} has no {}, which it needs: it was not imported.", noun, spec.start_field));
      return std::nullopt;
    }
    bool failed = false;
    // Every date is checked before anything is kept, so a rejected record leaves nothing behind.
    const std::optional<Date> start = DateLeaf(read.leaves, spec.start_field, where, begin, noun, failed);
    std::optional<Date> end;
    if (kind_leaves.has_end) end = DateLeaf(read.leaves, spec.end_field, where, begin, noun, failed);
    for (const model::FieldSpec& field : spec.fields) {
      if (field.type == FieldType::kDate) (void)DateLeaf(read.leaves, field.name, where, begin, noun, failed);
    }
    if (failed) return std::nullopt;

    Event& event = read.event;
    event.kind = kind;
    event.start = *start;
    event.end = end;
    event.parent = parent;
    event.provenance = provenance_;
    for (const model::FieldSpec& field : spec.fields) {
      const std::string_view value = read.leaves.Get(field.name);
      if (!value.empty()) event.fields.push_back({std::string(field.name), std::string(value)});
      const size_t offset = read.leaves.OffsetOf(field.name, begin);
      switch (field.type) {
        case FieldType::kCode:
        case FieldType::kFlag:
          CheckCode(where, offset, field.name, value);
          break;
        case FieldType::kInteger:
          if (!value.empty() && !IsWholeNumber(value)) {
            Finding(
                where, offset, field.name, value,
                fmt::format("{} '{}' is not a whole number; it was kept as given.", field.name, Shorten(value, 40)));
          }
          break;
        default:
          break;
      }
    }
    for (std::string_view required : RequiredFields(kind)) {
      if (!read.leaves.Given(required)) {
        Finding(where, begin, required, "",
                fmt::format("{} is missing; the DfE requires it for every {}.", required, noun));
      }
    }
    CheckNotAfterReference(where, read.leaves.OffsetOf(spec.start_field, begin), spec.start_field, event.start);
    if (kind_leaves.has_end) {
      CheckNotAfterReference(where, read.leaves.OffsetOf(spec.end_field, begin), spec.end_field, event.end);
      CheckOrder(where, read.leaves.OffsetOf(spec.end_field, begin), spec.end_field, event.end, spec.start_field,
                 event.start, fmt::format("the {} ends before it starts", noun));
    }
    return read;
  }

  void ReadEpisode(const PathStep& child_step, const Nested& element, Chronology& chronology) {
    const PathStep where{&child_step, "CINdetails", element.index};
    std::optional<EventRead> read =
        ReadEvent(EventKind::kCinEpisode, where, element.node, kModuleElements, "CIN episode (CINdetails)", -1);
    if (!read) return;
    const Date referral = read->event.start;
    const int32_t episode = chronology.Add(std::move(read->event));

    for (const Module& module : kModules) {
      std::vector<Nested> records;
      for (const Nested& nested : read->nested) {
        if (nested.name == module.element) records.push_back(nested);
      }
      if (records.empty()) continue;
      if (module.kind == EventKind::kPreProceedings && !layout_.pre_proceedings) {
        Finding(
            where, OffsetOf(records.front().node), module.element, "",
            fmt::format("<PreProceedingsandFGDM> is part of the CIN census from 2025/26, but this is the {} census; "
                        "the records were read.",
                        CollectionYearLabel(year_.year)));
      }
      const std::string_view start_field = model::Spec(module.kind).start_field;
      for (const Nested* record : Distinct(where, records, start_field, module.noun)) {
        ReadModule(module, where, *record, episode, referral, chronology);
      }
    }
  }

  void ReadModule(const Module& module, const PathStep& episode_step, const Nested& element, int32_t episode,
                  Date referral, Chronology& chronology) {
    const PathStep where{&episode_step, element.name, element.index};
    std::span<const std::string_view> containers;
    if (module.kind == EventKind::kAssessment) containers = kAssessmentContainers;
    if (module.kind == EventKind::kCpPlan) containers = kCpPlanContainers;
    std::optional<EventRead> read = ReadEvent(module.kind, where, element.node, containers, module.noun, episode);
    if (!read) return;
    Event& event = read->event;
    const EventKindSpec& spec = model::Spec(module.kind);
    const size_t begin = OffsetOf(element.node);
    CheckOrder(where, read->leaves.OffsetOf(spec.start_field, begin), spec.start_field, event.start, "CINreferralDate",
               referral, fmt::format("the {} starts before its CIN episode's referral", module.noun));

    if (module.kind == EventKind::kAssessment) {
      const std::optional<Date> review = event.GetDate("AssessmentInternalReviewDate");
      CheckOrder(where, read->leaves.OffsetOf("AssessmentInternalReviewDate", begin), "AssessmentInternalReviewDate",
                 review, spec.start_field, event.start, "the assessment's internal review is before it started");
      // AssessmentFactors is the kind's last field, so appending keeps the kind's field order.
      std::string factors = ReadFactors(where, element.node, read->nested);
      if (!factors.empty()) event.fields.push_back({"AssessmentFactors", std::move(factors)});
    }
    if (module.kind == EventKind::kSection47) {
      CheckOrder(where, read->leaves.OffsetOf("DateOfInitialCPC", begin), "DateOfInitialCPC",
                 event.GetDate("DateOfInitialCPC"), spec.start_field, event.start,
                 "the initial child protection conference is before the enquiry started");
    }
    const Date plan_start = event.start;
    const std::optional<Date> plan_end = event.end;
    const int32_t index = chronology.Add(std::move(read->event));
    if (module.kind == EventKind::kCpPlan) ReadReviews(where, read->nested, index, plan_start, plan_end, chronology);
  }

  // The assessment factors of every FactorsIdentifiedAtAssessment, comma-separated in order.
  std::string ReadFactors(const PathStep& where, pugi::xml_node assessment, const std::vector<Nested>& lists) {
    std::string joined;
    std::vector<std::string_view> seen;
    if (lists.size() > 1) {
      Finding(where, OffsetOf(lists[1].node), "FactorsIdentifiedAtAssessment", "",
              "<FactorsIdentifiedAtAssessment> is given more than once; the factors of all of them were read.");
    }
    for (const Nested& list : lists) {
      const PathStep list_step{&where, "FactorsIdentifiedAtAssessment", 0};
      Leaves unused({});
      std::vector<Nested> factors;
      Collect(list.node, list_step, unused, kFactorFields, factors);
      for (const Nested& factor : factors) {
        const PathStep factor_step{&list_step, "AssessmentFactors", factor.index};
        const std::string_view code = TextOf(factor.node, factor_step);
        if (code.empty()) {
          Finding(factor_step, OffsetOf(factor.node), "AssessmentFactors", "",
                  "AssessmentFactors is empty; it was read as not given.");
          continue;
        }
        if (std::find(seen.begin(), seen.end(), code) != seen.end()) {
          Finding(factor_step, OffsetOf(factor.node), "AssessmentFactors", code,
                  fmt::format("Assessment factor '{}' is given twice; it was read once.", Shorten(code, 40)));
          continue;
        }
        if (code.find(',') != std::string_view::npos) {
          Finding(factor_step, OffsetOf(factor.node), "AssessmentFactors", code,
                  "An assessment factor holds a comma; Cairn keeps the factors as one comma-separated list, so it will "
                  "read back as more than one factor.");
        }
        CheckCode(factor_step, OffsetOf(factor.node), "AssessmentFactors", code);
        seen.push_back(code);
        if (!joined.empty()) joined += ',';
        joined += code;
      }
    }
    if (seen.size() > 1 && std::find(seen.begin(), seen.end(), "21") != seen.end()) {
      Finding(where, OffsetOf(assessment), "AssessmentFactors", joined,
              "Assessment factor 21 (no factors identified) is given with other factors (DfE rule 8869); they were "
              "kept as given.");
    }
    return joined;
  }

  // Review conference dates of a CP plan. A date given twice is one review (a finding); a date
  // that is not a date loses that review only.
  void ReadReviews(const PathStep& plan_step, const std::vector<Nested>& lists, int32_t plan, Date plan_start,
                   std::optional<Date> plan_end, Chronology& chronology) {
    if (lists.size() > 1) {
      Finding(plan_step, OffsetOf(lists[1].node), "Reviews", "",
              "<Reviews> is given more than once; the review dates of all of them were read.");
    }
    std::unordered_map<std::string_view, size_t> seen;  // date text -> offset of its first mention
    for (const Nested& list : lists) {
      const PathStep list_step{&plan_step, "Reviews", lists.size() > 1 ? list.index : 0};
      Leaves unused({});
      std::vector<Nested> dates;
      Collect(list.node, list_step, unused, kReviewFields, dates);
      for (const Nested& date : dates) {
        const PathStep where{&list_step, "CPPreviewDate", date.index};
        const size_t offset = OffsetOf(date.node);
        const std::string_view value = TextOf(date.node, where);
        if (value.empty()) {
          Finding(where, offset, "CPPreviewDate", "", "CPPreviewDate is empty; it was read as not given.");
          continue;
        }
        auto [first, inserted] = seen.try_emplace(value, offset);
        if (!inserted) {
          Finding(where, offset, "CPPreviewDate", value,
                  fmt::format("Review date {} is given more than once in this plan (first on line {}); it was read "
                              "once.",
                              Shorten(value, 40), lines_.LineAt(first->second)));
          continue;
        }
        Result<Date> review = Date::ParseIso(value);
        if (!review.ok()) {
          Reject(where, offset, "CPPreviewDate", value,
                 "CPPreviewDate is not a date: the CIN census writes dates as YYYY-MM-DD, from 1900 to 2199. The "
                 "review was not imported.");
          continue;
        }
        CheckOrder(where, offset, "CPPreviewDate", *review, "CPPstartDate", plan_start,
                   "the review conference is before its plan started");
        CheckOrder(where, offset, "CPPendDate", plan_end, "CPPreviewDate", *review,
                   "the review conference is after its plan ended");
        CheckNotAfterReference(where, offset, "CPPreviewDate", *review);
        Event event;
        event.kind = EventKind::kCpReview;
        event.start = *review;
        event.parent = plan;
        event.provenance = provenance_;
        chronology.Add(std::move(event));
      }
    }
  }

  std::string_view text_;
  std::string file_;
  const CodeLists& codes_;
  LineCounter lines_;
  ImportBatch batch_;
  Date reference_date_;
  model::CollectionYear year_;
  Layout layout_;
  model::Provenance provenance_;

  const std::vector<Part>* parts_ = nullptr;
  std::string run_buffer_;  // the text of the run of children being read, parsed in place into doc_
  pugi::xml_document doc_;  // the run of children being read
  size_t base_ = 0;         // where in text_ the range parsed into doc_ starts
  size_t child_begin_ = 0;  // where the child being read starts
  size_t part_end_ = 0;     // and ends
  std::string child_id_;
  std::deque<std::string> scratch_;  // joined texts of the current child's mixed elements

  std::unordered_map<std::string, SeenChild> seen_;
  std::vector<bool> dropped_;  // for every child read, whether a later duplicate rejected it
  TextWindow window_;
  // With a sink, the children are handed over in runs of run_children_ (ReadCinCensusInRuns).
  ChildrenSink sink_;
  size_t run_children_ = 0;
  size_t handed_over_ = 0;  // children read and handed over (their places in dropped_ come first)
  size_t scan_bytes_ = kScanBytes;
};

// ---------------------------------------------------------------------------------------------
// Code lists.

Result<std::vector<std::pair<std::string, std::string>>> CodeTable(const toml::table& list, std::string_view list_name,
                                                                   std::string_view key, bool required) {
  std::vector<std::pair<std::string, std::string>> codes;
  const toml::node* node = list.get(key);
  if (node == nullptr) {
    if (!required) return codes;
    return Status::Internal(
        fmt::format("data/codes/cin-census.toml: [{}] has no [{}.{}] table", list_name, list_name, key));
  }
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    return Status::Internal(fmt::format("data/codes/cin-census.toml: {}.{} is not a table", list_name, key));
  }
  for (auto&& [code, meaning] : *table) {
    const std::optional<std::string> text = meaning.value<std::string>();
    if (!text) {
      return Status::Internal(
          fmt::format("data/codes/cin-census.toml: {}.{}.{} is not text", list_name, key, code.str()));
    }
    codes.emplace_back(std::string(code.str()), *text);
  }
  std::sort(codes.begin(), codes.end());
  return codes;
}

Result<CodeLists> LoadCodeLists() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), "codes/cin-census.toml");
  if (resource == nullptr) {
    return Status::Internal("Cairn was built without data/codes/cin-census.toml, the CIN census code lists.");
  }
  toml::table root;
  try {
    root = toml::parse(resource->text, std::string_view("codes/cin-census.toml"));
  } catch (const toml::parse_error& error) {
    return Status::Internal(
        fmt::format("data/codes/cin-census.toml line {}: {}", error.source().begin.line, error.description()));
  }
  CodeLists lists;
  for (auto&& [key, node] : root) {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Status::Internal(fmt::format("data/codes/cin-census.toml: '{}' is not a [table]", key.str()));
    }
    CodeList list;
    list.name = std::string(key.str());
    const std::optional<std::string> source = (*table)["source"].value<std::string>();
    if (!source) return Status::Internal(fmt::format("data/codes/cin-census.toml: [{}] has no source", list.name));
    list.source = *source;
    const toml::array* fields = (*table)["fields"].as_array();
    if (fields == nullptr || fields->empty()) {
      return Status::Internal(fmt::format("data/codes/cin-census.toml: [{}] has no fields", list.name));
    }
    for (const toml::node& field : *fields) {
      const std::optional<std::string> name = field.value<std::string>();
      if (!name)
        return Status::Internal(fmt::format("data/codes/cin-census.toml: [{}] fields must be text", list.name));
      list.fields.push_back(*name);
    }
    CAIRN_ASSIGN_OR_RETURN(list.codes, CodeTable(*table, list.name, "codes", true));
    CAIRN_ASSIGN_OR_RETURN(list.retired, CodeTable(*table, list.name, "retired", false));
    lists.lists.push_back(std::move(list));
  }
  return lists;
}

bool SortedHas(const std::vector<std::pair<std::string, std::string>>& codes, std::string_view code) {
  auto it = std::lower_bound(codes.begin(), codes.end(), code,
                             [](const std::pair<std::string, std::string>& entry, std::string_view wanted) {
                               return std::string_view(entry.first) < wanted;
                             });
  return it != codes.end() && it->first == code;
}

}  // namespace

Layout LayoutFor(int collection_year) {
  const int year = std::clamp(collection_year, kFirstLayoutYear, kLastLayoutYear);
  return Layout{year, year <= 2024 ? "GenderCurrent" : "Sex", year >= 2026};
}

std::string CollectionYearLabel(int collection_year) {
  return fmt::format("{}/{:02}", collection_year - 1, ((collection_year % 100) + 100) % 100);
}

bool CodeList::Contains(std::string_view code) const { return SortedHas(codes, code); }

std::string_view CodeList::RetiredBecause(std::string_view code) const {
  auto it = std::lower_bound(retired.begin(), retired.end(), code,
                             [](const std::pair<std::string, std::string>& entry, std::string_view wanted) {
                               return std::string_view(entry.first) < wanted;
                             });
  if (it == retired.end() || it->first != code) return {};
  return it->second;
}

const CodeList* CodeLists::ForField(std::string_view field) const {
  for (const CodeList& list : lists) {
    if (std::find(list.fields.begin(), list.fields.end(), field) != list.fields.end()) return &list;
  }
  return nullptr;
}

const Result<CodeLists>& CinCensusCodeLists() {
  static const Result<CodeLists> kLists = LoadCodeLists();
  return kLists;
}

Result<ImportBatch> ReadCinCensusText(std::string_view text, std::string_view source_name) {
  const Result<CodeLists>& codes = CinCensusCodeLists();
  if (!codes.ok()) return codes.status();
  Reader reader(text, std::string(source_name), *codes);
  return reader.Read();
}

Result<MappedText> MappedText::Open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(fmt::format("cannot read the CIN census file {}: it does not exist", path));
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::IoError(fmt::format("cannot read the CIN census file {}: it is not a file", path));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(fmt::format("cannot read the CIN census file {}: {}", path, std::strerror(errno)));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return Status::IoError(fmt::format("cannot read the CIN census file {}: {}", path, std::strerror(error)));
  }
  const size_t size = static_cast<size_t>(info.st_size);
  if (size >= kMaxFileBytes) {
    ::close(fd);
    return Status::InvalidArgument(
        fmt::format("the CIN census file {} is {} bytes; Cairn reads files under 4 GiB.", path, size));
  }
  if (size == 0) {
    ::close(fd);
    return MappedText(nullptr, 0);
  }
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int error = errno;
  ::close(fd);  // the mapping keeps the file
  if (data == MAP_FAILED) {
    return Status::IoError(fmt::format("cannot read the CIN census file {}: {}", path, std::strerror(error)));
  }
  (void)::madvise(data, size, MADV_SEQUENTIAL);  // advice only: read ahead, drop behind
  return MappedText(static_cast<const char*>(data), size);
}

MappedText::MappedText(MappedText&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

MappedText& MappedText::operator=(MappedText&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

MappedText::~MappedText() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

void MappedText::Release(size_t begin, size_t end, bool whole_pages_around) const {
  static const size_t kPage = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  end = std::min(end, size_);
  if (data_ == nullptr || begin >= end) return;
  // The mapping starts on a page boundary, so offsets round as addresses do.
  const size_t from = whole_pages_around ? begin / kPage * kPage : (begin + kPage - 1) / kPage * kPage;
  const size_t to = whole_pages_around ? std::min((end + kPage - 1) / kPage * kPage, (size_ + kPage - 1) / kPage * kPage)
                                       : end / kPage * kPage;
  if (from >= to) return;
  // Advice: if the system declines, the pages simply stay.
  (void)::madvise(const_cast<char*>(data_) + from, to - from, MADV_DONTNEED);
}

Result<ImportBatch> ReadCinCensusInWindows(const std::string& path, size_t window_bytes, const ChildrenSink& sink,
                                           size_t run_children, size_t scan_bytes) {
  CAIRN_ASSIGN_OR_RETURN(const MappedText mapped, MappedText::Open(path));
  const Result<CodeLists>& codes = CinCensusCodeLists();
  if (!codes.ok()) return codes.status();
  const std::string name = std::filesystem::path(path).filename().string();
  Reader reader(mapped.text(), name, *codes, &mapped, std::max<size_t>(window_bytes, 1));
  if (sink) reader.HandChildrenTo(sink, run_children);
  if (scan_bytes != 0) reader.ScanAhead(scan_bytes);
  CAIRN_ASSIGN_OR_RETURN(ImportBatch batch, reader.Read());
  batch.files = {path};
  return batch;
}

Result<ImportBatch> ReadCinCensusInRuns(const std::string& path, size_t run_children, const ChildrenSink& sink) {
  return ReadCinCensusInWindows(path, kWindowBytes, sink, run_children);
}

Result<ImportBatch> ReadCinCensus(const std::string& path) { return ReadCinCensusInWindows(path, kWindowBytes); }

}  // namespace cairn::returns::cin_census
