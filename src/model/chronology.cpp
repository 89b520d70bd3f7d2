#include "model/chronology.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::model {

std::optional<int> Child::AgeOn(Date date) const {
  if (!birth_date) return std::nullopt;
  return date.AgeInYears(*birth_date);
}

bool Provenance::ReportedIn(int year) const {
  return std::binary_search(reported_in_years.begin(), reported_in_years.end(), year);
}

void Provenance::AddReportedYear(int year) {
  auto position = std::lower_bound(reported_in_years.begin(), reported_in_years.end(), year);
  if (position == reported_in_years.end() || *position != year) reported_in_years.insert(position, year);
}

std::string_view Event::Get(std::string_view name) const {
  for (const Field& field : fields) {
    if (field.name == name) return field.value;
  }
  return {};
}

std::optional<Date> Event::GetDate(std::string_view name) const {
  const std::string_view value = Get(name);
  if (value.empty()) return std::nullopt;
  Result<Date> date = Date::ParseIso(value);
  if (!date.ok()) return std::nullopt;
  return *date;
}

void Event::Set(std::string_view name, std::string value) {
  auto existing = std::find_if(fields.begin(), fields.end(), [&](const Field& field) { return field.name == name; });
  if (value.empty()) {
    if (existing != fields.end()) fields.erase(existing);
    return;
  }
  if (existing != fields.end()) {
    existing->value = std::move(value);
    return;
  }
  // Keep the kind's declared order so two events with the same content compare equal.
  const auto specs = Spec(kind).fields;
  auto rank = [&](std::string_view field_name) {
    for (size_t i = 0; i < specs.size(); ++i) {
      if (specs[i].name == field_name) return i;
    }
    return specs.size();
  };
  const size_t new_rank = rank(name);
  auto position =
      std::find_if(fields.begin(), fields.end(), [&](const Field& field) { return rank(field.name) > new_rank; });
  fields.insert(position, Field{std::string(name), std::move(value)});
}

Event Event::AsAt(Date date) const {
  Event then = *this;
  if (!HasDateAfter(date)) return then;
  const EventKindSpec& spec = Spec(kind);
  // The dates still to come on `date`, by field name.
  std::vector<std::string_view> to_come;
  if (start > date) to_come.push_back(spec.start_field);
  if (end && *end > date) {
    then.end.reset();
    to_come.push_back(spec.end_field);
  }
  for (const FieldSpec& field : spec.fields) {
    if (field.type != FieldType::kDate || !field.recorded_with.empty()) continue;
    const std::optional<Date> value = GetDate(field.name);
    if (value && *value > date) to_come.push_back(field.name);
  }
  std::erase_if(then.fields, [&](const Field& field) {
    std::string_view recorded_on = field.name;
    for (const FieldSpec& candidate : spec.fields) {
      if (candidate.name == field.name && !candidate.recorded_with.empty()) recorded_on = candidate.recorded_with;
    }
    return std::find(to_come.begin(), to_come.end(), recorded_on) != to_come.end();
  });
  return then;
}

bool Event::HasDateAfter(Date date) const {
  if (start > date || (end && *end > date)) return true;
  for (const Field& field : fields) {
    if (FieldTypeOf(kind, field.name) != FieldType::kDate) continue;
    const Result<Date> value = Date::ParseIso(field.value);
    if (value.ok() && *value > date) return true;
  }
  return false;
}

int32_t Chronology::Add(Event event) {
  // Parents are added before their children, so parent links can never form a cycle.
  if (event.parent >= static_cast<int32_t>(events_.size())) {
    throw std::logic_error("Chronology::Add: parent " + std::to_string(event.parent) + " is not yet in the chronology");
  }
  events_.push_back(std::move(event));
  return static_cast<int32_t>(events_.size() - 1);
}

std::vector<const Event*> Chronology::OfKind(EventKind kind) const {
  std::vector<const Event*> found;
  for (const Event& event : events_) {
    if (event.kind == kind) found.push_back(&event);
  }
  return found;
}

std::vector<int32_t> Chronology::ChildrenOf(int32_t index) const {
  std::vector<int32_t> found;
  for (size_t i = 0; i < events_.size(); ++i) {
    if (events_[i].parent == index) found.push_back(static_cast<int32_t>(i));
  }
  return found;
}

namespace {

// The event's own part of its natural key: kind, start date and the kind's key fields.
void AppendOwnKey(const Event& event, std::string& key) {
  const EventKindSpec& spec = Spec(event.kind);
  key += spec.id;
  key += '|';
  key += event.start.ToIso();
  for (std::string_view field : spec.key) {
    key += '|';
    key += event.Get(field);
  }
}

}  // namespace

std::string Chronology::NaturalKey(int32_t index) const {
  const Event& event = events_[static_cast<size_t>(index)];
  std::string key;
  if (event.parent >= 0) {
    key = NaturalKey(event.parent);
    key += " > ";
  }
  AppendOwnKey(event, key);
  return key;
}

std::vector<std::string> Chronology::NaturalKeys() const {
  std::vector<std::string> keys(events_.size());
  std::vector<bool> done(events_.size(), false);
  std::vector<int32_t> chain;
  for (size_t i = 0; i < events_.size(); ++i) {
    // Climb to the nearest ancestor whose key is known, then build keys on the way back down.
    // The climb is bounded so a parent cycle (which Add() cannot make) cannot loop forever.
    chain.clear();
    for (int32_t at = static_cast<int32_t>(i);
         at >= 0 && !done[static_cast<size_t>(at)] && chain.size() <= events_.size();
         at = events_[static_cast<size_t>(at)].parent) {
      chain.push_back(at);
    }
    for (auto at = chain.rbegin(); at != chain.rend(); ++at) {
      const Event& event = events_[static_cast<size_t>(*at)];
      std::string& key = keys[static_cast<size_t>(*at)];
      if (event.parent >= 0) {
        key = keys[static_cast<size_t>(event.parent)];
        key += " > ";
      }
      AppendOwnKey(event, key);
      done[static_cast<size_t>(*at)] = true;
    }
  }
  return keys;
}

void Chronology::Sort() {
  // On the same date a parent sorts before its children (depth in the nesting), so readers and
  // writers meet a CIN episode before the plan that starts on its referral date.
  std::vector<int32_t> depth(events_.size(), 0);
  for (size_t i = 0; i < events_.size(); ++i) {
    for (int32_t p = events_[i].parent; p >= 0 && depth[i] < static_cast<int32_t>(events_.size());
         p = events_[static_cast<size_t>(p)].parent) {
      ++depth[i];
    }
  }
  std::vector<int32_t> order(events_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    const Event& x = events_[static_cast<size_t>(a)];
    const Event& y = events_[static_cast<size_t>(b)];
    if (x.start != y.start) return x.start < y.start;
    return depth[static_cast<size_t>(a)] < depth[static_cast<size_t>(b)];
  });
  // Already in order (as a chronology read back from its image is): nothing to move.
  bool in_order = true;
  for (size_t i = 0; i < order.size() && in_order; ++i) in_order = order[i] == static_cast<int32_t>(i);
  if (in_order) return;
  std::vector<int32_t> new_index(events_.size());
  for (size_t i = 0; i < order.size(); ++i) new_index[static_cast<size_t>(order[i])] = static_cast<int32_t>(i);
  std::vector<Event> sorted;
  sorted.reserve(events_.size());
  for (int32_t old : order) {
    Event event = std::move(events_[static_cast<size_t>(old)]);
    if (event.parent >= 0) event.parent = new_index[static_cast<size_t>(event.parent)];
    sorted.push_back(std::move(event));
  }
  events_ = std::move(sorted);
}

Chronology Chronology::AsAt(Date date) const {
  Chronology stood(child_);
  std::vector<int32_t> position(events_.size(), -1);
  for (size_t i = 0; i < events_.size(); ++i) {
    const Event& event = events_[i];
    if (event.start > date) continue;
    Event kept = event.HasDateAfter(date) ? event.AsAt(date) : event;
    kept.parent = event.parent >= 0 ? position[static_cast<size_t>(event.parent)] : -1;
    position[i] = static_cast<int32_t>(stood.events_.size());
    stood.events_.push_back(std::move(kept));
  }
  return stood;
}

}  // namespace cairn::model
