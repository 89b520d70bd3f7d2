#include "geography/postcode_directory.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <memory>
#include <vector>

#include <fmt/format.h>

namespace cairn::geography {
namespace {

constexpr int32_t kLargestGridReference = 9'999'999;  // seven digits: the OS grid is 700 km by 1,300 km

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

void NormaliseInto(std::string_view postcode, std::string& out) {
  out.clear();
  for (char c : postcode) {
    if (c == ' ') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
}

// One line of the ONS CSV split into fields. The ONS quotes every field in some releases and
// none in others; a quoted field may hold commas and doubled quotes, never a line break.
class FieldSplitter {
 public:
  // False when a quote is left open.
  bool Split(std::string_view line) {
    fields_.clear();
    unquoted_.clear();
    std::size_t at = 0;
    while (true) {
      if (at < line.size() && line[at] == '"') {
        std::string value;
        std::size_t i = at + 1;
        bool closed = false;
        for (; i < line.size(); ++i) {
          if (line[i] == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              value.push_back('"');
              ++i;
              continue;
            }
            closed = true;
            break;
          }
          value.push_back(line[i]);
        }
        if (!closed) return false;
        // Anything between the closing quote and the comma is kept, as a spreadsheet would.
        const std::size_t comma = line.find(',', i + 1);
        value.append(line.substr(i + 1, comma == std::string_view::npos ? std::string_view::npos : comma - i - 1));
        unquoted_.push_back(std::move(value));
        fields_.push_back({});  // filled below, once unquoted_ no longer moves
        quoted_index_.push_back(fields_.size() - 1);
        if (comma == std::string_view::npos) break;
        at = comma + 1;
        continue;
      }
      const std::size_t comma = line.find(',', at);
      fields_.push_back(line.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
      if (comma == std::string_view::npos) break;
      at = comma + 1;
    }
    for (std::size_t i = 0; i < quoted_index_.size(); ++i) fields_[quoted_index_[i]] = unquoted_[i];
    quoted_index_.clear();
    return true;
  }
  const std::vector<std::string_view>& fields() const { return fields_; }

 private:
  std::vector<std::string_view> fields_;
  std::vector<std::string> unquoted_;
  std::vector<std::size_t> quoted_index_;
};

// Reads the file line by line: the header first, then one postcode a line.
class OnsReader {
 public:
  OnsReader(std::string_view name, const OnsReadOptions& options,
            const std::function<Status(const OnsPostcodeRow&)>& row)
      : name_(name), options_(options), row_(row) {}

  Status Line(std::string_view line) {
    ++line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_ == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // a byte order mark
    if (Trim(line).empty()) return Status::Ok();
    if (!splitter_.Split(line)) {
      return Status::InvalidArgument(fmt::format("{} line {}: a quoted field is not closed on its line", name_, line_));
    }
    if (!header_seen_) return Header();
    return Row();
  }

  Status Finish() const {
    if (!header_seen_) {
      return Status::InvalidArgument(fmt::format(
          "{}: the file is empty; Cairn reads the ONS Postcode Directory CSV (columns pcd, oseast1m, osnrth1m, laua)",
          name_));
    }
    return Status::Ok();
  }

  int64_t rows() const { return rows_; }

 private:
  Status Header() {
    const std::vector<std::string_view>& fields = splitter_.fields();
    columns_ = fields.size();
    auto find = [&fields](std::initializer_list<std::string_view> names) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string lower = Lower(Trim(fields[i]));
        for (std::string_view name : names) {
          if (lower == name) return i;
        }
      }
      return std::nullopt;
    };
    const std::optional<std::size_t> postcode = find({"pcd"});
    const std::optional<std::size_t> easting = find({"oseast1m"});
    const std::optional<std::size_t> northing = find({"osnrth1m"});
    const std::optional<std::size_t> district = find({"laua", "oslaua"});
    std::vector<std::string_view> missing;
    if (!postcode) missing.push_back("pcd");
    if (!easting) missing.push_back("oseast1m");
    if (!northing) missing.push_back("osnrth1m");
    if (!district) missing.push_back("laua");
    if (!missing.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{} line {}: the header has no {} column; Cairn reads the ONS Postcode Directory CSV, whose header names "
          "pcd (the postcode), oseast1m and osnrth1m (the grid reference) and laua (the local authority district)",
          name_, line_, fmt::join(missing, ", ")));
    }
    postcode_ = *postcode;
    easting_ = *easting;
    northing_ = *northing;
    district_ = *district;
    header_seen_ = true;
    return Status::Ok();
  }

  Result<std::optional<int32_t>> GridReference(std::string_view text, std::string_view field) const {
    text = Trim(text);
    if (text.empty()) return std::optional<int32_t>();
    int32_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > kLargestGridReference) {
      return Status::InvalidArgument(fmt::format(
          "{} line {}, field {}: '{}' is not a grid reference (a whole number of metres, 0 to 9999999, or blank)",
          name_, line_, field, text.size() > 40 ? std::string(text.substr(0, 40)) + "..." : std::string(text)));
    }
    return std::optional<int32_t>(value);
  }

  Status Row() {
    const std::vector<std::string_view>& fields = splitter_.fields();
    if (fields.size() != columns_) {
      return Status::InvalidArgument(fmt::format("{} line {}: the row has {} field{} where the header names {}", name_,
                                                 line_, fields.size(), fields.size() == 1 ? "" : "s", columns_));
    }
    ++rows_;
    if (options_.progress && options_.progress_every > 0 && rows_ % options_.progress_every == 0) {
      options_.progress(rows_);
    }
    NormaliseInto(Trim(fields[postcode_]), normalised_);
    if (normalised_.empty()) {
      return Status::InvalidArgument(fmt::format("{} line {}, field pcd: the postcode is blank", name_, line_));
    }
    if (options_.wanted != nullptr && options_.wanted->find(normalised_) == options_.wanted->end()) {
      return Status::Ok();
    }
    OnsPostcodeRow row;
    row.postcode = normalised_;
    row.line = line_;
    CAIRN_ASSIGN_OR_RETURN(row.easting, GridReference(fields[easting_], "oseast1m"));
    CAIRN_ASSIGN_OR_RETURN(row.northing, GridReference(fields[northing_], "osnrth1m"));
    // pandas wrote the missing districts of the redistributed extract as "nan".
    const std::string_view district = Trim(fields[district_]);
    row.district = district == "nan" || district == "NaN" ? std::string_view() : district;
    return row_(row);
  }

  std::string_view name_;
  const OnsReadOptions& options_;
  const std::function<Status(const OnsPostcodeRow&)>& row_;
  FieldSplitter splitter_;
  std::string normalised_;
  bool header_seen_ = false;
  std::size_t columns_ = 0;
  std::size_t postcode_ = 0;
  std::size_t easting_ = 0;
  std::size_t northing_ = 0;
  std::size_t district_ = 0;
  int64_t line_ = 0;
  int64_t rows_ = 0;
};

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};

}  // namespace

std::string NormalisePostcode(std::string_view postcode) {
  std::string normalised;
  NormaliseInto(postcode, normalised);
  return normalised;
}

double DistanceInMiles(int32_t from_easting, int32_t from_northing, int32_t to_easting, int32_t to_northing) {
  const double east = static_cast<double>(from_easting) - static_cast<double>(to_easting);
  const double north = static_cast<double>(from_northing) - static_cast<double>(to_northing);
  // Metres to kilometres to miles, with the guidance's own 1.6093.
  return std::sqrt(east * east + north * north) / 1000 / 1.6093;
}

void PostcodeDirectory::Add(std::string_view postcode, PostcodeEntry entry) {
  entries_.insert_or_assign(NormalisePostcode(postcode), std::move(entry));
}

const PostcodeEntry* PostcodeDirectory::Find(std::string_view postcode) const {
  auto found = entries_.find(NormalisePostcode(postcode));
  return found == entries_.end() ? nullptr : &found->second;
}

std::optional<double> PostcodeDirectory::MilesBetween(std::string_view from, std::string_view to) const {
  const PostcodeEntry* a = Find(from);
  const PostcodeEntry* b = Find(to);
  if (a == nullptr || b == nullptr || !a->easting || !a->northing || !b->easting || !b->northing) return std::nullopt;
  return DistanceInMiles(*a->easting, *a->northing, *b->easting, *b->northing);
}

Result<int64_t> ReadOnsPostcodeText(std::string_view text, std::string_view name, const OnsReadOptions& options,
                                    const std::function<Status(const OnsPostcodeRow&)>& row) {
  OnsReader reader(name, options, row);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    const std::string_view line = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    CAIRN_RETURN_IF_ERROR(reader.Line(line));
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  CAIRN_RETURN_IF_ERROR(reader.Finish());
  return reader.rows();
}

Result<int64_t> ReadOnsPostcodes(const std::string& path, const OnsReadOptions& options,
                                 const std::function<Status(const OnsPostcodeRow&)>& row) {
  // gzopen reads a plain file as it is, so one path serves both.
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) return Status::NotFound(fmt::format("{}: cannot open this file", path));
  gzbuffer(file.get(), 1 << 17);
  OnsReader reader(path, options, row);
  constexpr std::size_t kChunk = 1 << 20;
  std::vector<char> buffer(kChunk * 2);
  std::size_t held = 0;  // bytes of an unfinished line at the front of the buffer
  while (true) {
    if (buffer.size() - held < kChunk) buffer.resize(held + kChunk);
    const int read = gzread(file.get(), buffer.data() + held, static_cast<unsigned>(buffer.size() - held));
    if (read < 0) {
      int code = 0;
      const char* message = gzerror(file.get(), &code);
      return Status::IoError(fmt::format("{}: cannot read this file ({}); is it a whole gzip or CSV file?", path,
                                         message != nullptr ? message : "read error"));
    }
    const std::size_t filled = held + static_cast<std::size_t>(read);
    const std::string_view data(buffer.data(), filled);
    std::size_t at = 0;
    while (true) {
      const std::size_t end = data.find('\n', at);
      if (end == std::string_view::npos) break;
      CAIRN_RETURN_IF_ERROR(reader.Line(data.substr(at, end - at)));
      at = end + 1;
    }
    if (read == 0) {
      if (at < filled) CAIRN_RETURN_IF_ERROR(reader.Line(data.substr(at)));
      break;
    }
    held = filled - at;
    std::copy(buffer.begin() + static_cast<std::ptrdiff_t>(at), buffer.begin() + static_cast<std::ptrdiff_t>(filled),
              buffer.begin());
  }
  // gzread stops quietly at a truncated stream; gzerror says so.
  int code = Z_OK;
  const char* message = gzerror(file.get(), &code);
  if (code != Z_OK && code != Z_STREAM_END) {
    return Status::IoError(fmt::format("{}: the compressed file is damaged or cut short ({})", path,
                                       message != nullptr ? message : "zlib error"));
  }
  CAIRN_RETURN_IF_ERROR(reader.Finish());
  return reader.rows();
}

Result<PostcodeDirectory> LoadPostcodeDirectory(const std::string& path,
                                                const std::set<std::string, std::less<>>* wanted) {
  PostcodeDirectory directory;
  OnsReadOptions options;
  options.wanted = wanted;
  CAIRN_RETURN_IF_ERROR(ReadOnsPostcodes(path, options, [&directory](const OnsPostcodeRow& row) {
                          directory.Add(row.postcode, {std::string(row.district), row.easting, row.northing});
                          return Status::Ok();
                        }).status());
  return directory;
}

}  // namespace cairn::geography
