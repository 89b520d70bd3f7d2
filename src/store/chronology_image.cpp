#include "store/chronology_image.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace cairn::store {
namespace {

constexpr unsigned char kVersion = 1;

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

uint64_t Zigzag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

int64_t Unzigzag(uint64_t value) { return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1); }

void PutText(std::string& out, std::string_view text) {
  PutVarint(out, text.size());
  out.append(text);
}

// Reads an image front to back; the first thing out of place stops it (ok() turns false) and
// every later read gives zero.
class Reader {
 public:
  explicit Reader(std::string_view image) : image_(image) {}

  bool ok() const { return ok_; }
  bool done() const { return at_ == image_.size(); }

  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; ok_ && shift < 64; shift += 7) {
      if (at_ >= image_.size()) break;
      const auto byte = static_cast<unsigned char>(image_[at_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    ok_ = false;
    return 0;
  }
  int64_t Signed() { return Unzigzag(Varint()); }
  // A count of things each taking at least one byte: never more than the bytes left.
  size_t Count() {
    const uint64_t count = Varint();
    if (count > image_.size() - at_) ok_ = false;
    return ok_ ? static_cast<size_t>(count) : 0;
  }
  std::string_view Text() {
    const uint64_t size = Varint();
    if (!ok_ || size > image_.size() - at_) {
      ok_ = false;
      return {};
    }
    const std::string_view text = image_.substr(at_, static_cast<size_t>(size));
    at_ += static_cast<size_t>(size);
    return text;
  }
  unsigned char Byte() {
    if (!ok_ || at_ >= image_.size()) {
      ok_ = false;
      return 0;
    }
    return static_cast<unsigned char>(image_[at_++]);
  }
  // A day number Date can hold.
  std::optional<int32_t> Day(int64_t value) {
    if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
      ok_ = false;
      return std::nullopt;
    }
    return static_cast<int32_t>(value);
  }

 private:
  std::string_view image_;
  size_t at_ = 0;
  bool ok_ = true;
};

Status Damaged(std::string_view what) { return Status::DataLoss("a stored chronology image is damaged: " + std::string(what)); }

}  // namespace

uint64_t ChronologyImageBuilder::StringIndex(std::string_view text) {
  // A child's image names a few kinds, sources and field names: a look along the list is quicker
  // than a hash.
  for (size_t i = 0; i < strings_.size(); ++i) {
    if (strings_[i] == text) return i;
  }
  strings_.emplace_back(text);
  return strings_.size() - 1;
}

void ChronologyImageBuilder::Add(const model::Event& event, int32_t parent, int64_t id, int64_t revision,
                                 std::string_view source, std::span<const int> reported_years) {
  PutVarint(body_, StringIndex(model::IdOf(event.kind)));
  PutVarint(body_, Zigzag(event.start.day_number()));
  // Differences in 64 bits, and the ids' wrapping round: neither may overflow whatever it is given.
  PutVarint(body_, event.end ? Zigzag(int64_t{event.end->day_number()} - event.start.day_number()) + 1 : 0);
  PutVarint(body_, parent >= 0 ? static_cast<uint64_t>(parent) + 1 : 0);
  PutVarint(body_, Zigzag(static_cast<int64_t>(static_cast<uint64_t>(id) - static_cast<uint64_t>(previous_id_))));
  previous_id_ = id;
  PutVarint(body_, static_cast<uint64_t>(revision));
  PutVarint(body_, StringIndex(source));
  years_.assign(reported_years.begin(), reported_years.end());
  std::sort(years_.begin(), years_.end());
  years_.erase(std::unique(years_.begin(), years_.end()), years_.end());
  PutVarint(body_, years_.size());
  for (int year : years_) PutVarint(body_, Zigzag(year));

  const std::vector<model::Field>& fields = event.fields;
  const auto first_of_name = [&](size_t i) {
    return std::none_of(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(i),
                        [&](const model::Field& earlier) { return earlier.name == fields[i].name; });
  };
  size_t distinct = 0;
  for (size_t i = 0; i < fields.size(); ++i) distinct += first_of_name(i) ? 1 : 0;
  PutVarint(body_, distinct);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (distinct != fields.size() && !first_of_name(i)) continue;
    const std::string& name = fields[i].name;
    const auto last = std::find_if(fields.rbegin(), fields.rend(), [&](const model::Field& f) { return f.name == name; });
    PutVarint(body_, StringIndex(name));
    PutText(body_, last->value);
  }
  ++events_;
}

std::string ChronologyImageBuilder::Finish() {
  std::string image;
  size_t table_size = 0;
  for (const std::string& text : strings_) table_size += text.size() + 2;
  image.reserve(1 + 10 + table_size + 10 + body_.size());
  image += static_cast<char>(kVersion);
  PutVarint(image, strings_.size());
  for (const std::string& text : strings_) PutText(image, text);
  PutVarint(image, events_);
  image += body_;
  strings_.clear();
  body_.clear();
  events_ = 0;
  previous_id_ = 0;
  return image;
}

std::string EncodeChronologyImage(std::span<const model::Event> events) {
  ChronologyImageBuilder builder;
  for (const model::Event& event : events) builder.Add(event);
  return builder.Finish();
}

Status DecodeChronologyImage(std::string_view image, std::vector<model::Event>& events) {
  events.clear();
  Reader read(image);
  const unsigned char version = read.Byte();
  if (!read.ok()) return Damaged("it is empty");
  if (version != kVersion) {
    return Status::DataLoss("a stored chronology image is of version " + std::to_string(version) + ", not " +
                            std::to_string(kVersion));
  }
  std::vector<std::string_view> strings(read.Count());
  for (std::string_view& text : strings) text = read.Text();
  // Each string's event kind, worked out the first time an event names it.
  std::vector<std::optional<model::EventKind>> kinds(strings.size());
  const auto string_at = [&](uint64_t index) -> std::optional<std::string_view> {
    if (index >= strings.size()) return std::nullopt;
    return strings[static_cast<size_t>(index)];
  };

  const size_t count = read.Count();
  if (!read.ok()) return Damaged("its list of names is cut short");
  events.resize(count);
  int64_t previous_id = 0;
  for (size_t i = 0; i < count; ++i) {
    model::Event& event = events[i];
    const uint64_t kind_index = read.Varint();
    if (!read.ok() || kind_index >= strings.size()) return Damaged("event " + std::to_string(i + 1) + " has no kind");
    std::optional<model::EventKind>& kind = kinds[static_cast<size_t>(kind_index)];
    if (!kind) {
      Result<model::EventKind> known = model::EventKindFromId(strings[static_cast<size_t>(kind_index)]);
      if (!known.ok()) return Status::DataLoss("a stored chronology image names an unknown event kind");
      kind = *known;
    }
    event.kind = *kind;
    const std::optional<int32_t> start = read.Day(read.Signed());
    if (!start) return Damaged("event " + std::to_string(i + 1) + " has no start date");
    event.start = Date::FromDayNumber(*start);
    const uint64_t end = read.Varint();
    if (end > 0) {
      const int64_t length = Unzigzag(end - 1);
      if (length < -(int64_t{1} << 33) || length > (int64_t{1} << 33)) {
        return Damaged("event " + std::to_string(i + 1) + " has an end date out of range");
      }
      const std::optional<int32_t> end_day = read.Day(int64_t{*start} + length);
      if (!end_day) return Damaged("event " + std::to_string(i + 1) + " has an end date out of range");
      event.end = Date::FromDayNumber(*end_day);
    }
    // A parent may come after its event: a chronology is in date order, and a nested event can
    // start before the one it sits under. Cycles are looked for once every event is read.
    const uint64_t parent = read.Varint();
    if (parent > count || parent == i + 1) {
      return Damaged("event " + std::to_string(i + 1) + " has a parent that is not another event");
    }
    event.parent = static_cast<int32_t>(parent) - 1;
    previous_id = static_cast<int64_t>(static_cast<uint64_t>(previous_id) + static_cast<uint64_t>(read.Signed()));
    event.id = previous_id;
    event.revision = static_cast<int64_t>(read.Varint());
    const std::optional<std::string_view> source = string_at(read.Varint());
    if (!source) return Damaged("event " + std::to_string(i + 1) + " has no source");
    event.provenance.source = std::string(*source);
    event.provenance.reported_in_years.resize(read.Count());
    for (int& year : event.provenance.reported_in_years) {
      const int64_t value = read.Signed();
      if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
        return Damaged("event " + std::to_string(i + 1) + " has a year out of range");
      }
      year = static_cast<int>(value);
    }
    event.fields.resize(read.Count());
    for (size_t f = 0; f < event.fields.size(); ++f) {
      const std::optional<std::string_view> name = string_at(read.Varint());
      if (!name) return Damaged("event " + std::to_string(i + 1) + " has a field without a name");
      // Never written twice (the builder keeps one of each), so twice means damage.
      for (size_t earlier = 0; earlier < f; ++earlier) {
        if (event.fields[earlier].name == *name) return Damaged("event " + std::to_string(i + 1) + " has a field twice");
      }
      event.fields[f].name = std::string(*name);
      event.fields[f].value = std::string(read.Text());
    }
    if (!read.ok()) return Damaged("event " + std::to_string(i + 1) + " is cut short");
  }
  if (!read.done()) return Damaged("it has bytes after its last event");
  // No event may be its own ancestor: each chain of parents is walked once (0: not yet walked,
  // 1: on the chain being walked, 2: known to end).
  std::vector<unsigned char> state(events.size(), 0);
  for (size_t i = 0; i < events.size(); ++i) {
    size_t at = i;
    while (state[at] == 0) {
      state[at] = 1;
      if (events[at].parent < 0) break;
      at = static_cast<size_t>(events[at].parent);
    }
    if (state[at] == 1 && events[at].parent >= 0) return Damaged("its events' parents go round in a circle");
    for (size_t walk = i; state[walk] == 1;) {
      state[walk] = 2;
      if (events[walk].parent < 0) break;
      walk = static_cast<size_t>(events[walk].parent);
    }
  }
  return Status::Ok();
}

}  // namespace cairn::store
