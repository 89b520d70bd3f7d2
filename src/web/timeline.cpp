#include "web/timeline.h"

#include <optional>

#include "web/json_writer.h"
#include "web/page_kit.h"

namespace cairn::web {
namespace {

// The lane an event is drawn in, or nullptr when it is not drawn (its deadlines are).
const char* LaneOf(model::EventKind kind) {
  switch (kind) {
    case model::EventKind::kCinEpisode: return "Referrals";
    case model::EventKind::kAssessment: return "Assessments";
    case model::EventKind::kSection47:
    case model::EventKind::kStrategyDiscussion:
    case model::EventKind::kInitialCpConference: return "Enquiries";
    case model::EventKind::kCpPlan: return "Child protection";
    case model::EventKind::kCinPlan: return "Child in need plans";
    case model::EventKind::kLookedAfterEpisode: return "In care";
    case model::EventKind::kMissing: return "Missing";
    case model::EventKind::kSocialWorkerAllocation: return "Social workers";
    default: return nullptr;
  }
}

constexpr const char* kLanes[] = {"Referrals", "Assessments", "Enquiries", "Child protection", "Child in need plans",
                                  "In care", "Missing", "Social workers", "Deadlines"};

}  // namespace

std::string TimelineSpec(const model::Chronology& chronology, const timescales::ChildEvaluation& result,
                         const timescales::RuleSet& rules, Date as_at) {
  JsonWriter json;
  size_t bars = 0, marks = 0;
  std::optional<Date> first, last;
  auto seen = [&](Date date) {
    if (!first || date < *first) first = date;
    if (!last || date > *last) last = date;
  };
  json.BeginObject().Field("type", "timeline").Field("title", "The child's journey");
  json.Key("lanes").BeginArray();
  for (const char* lane : kLanes) json.String(lane);
  json.EndArray().Key("bars").BeginArray();
  for (const model::Event& event : chronology.events()) {
    const char* lane = LaneOf(event.kind);
    if (lane == nullptr || event.start > as_at) continue;
    const std::optional<Date> end = event.end && *event.end <= as_at ? event.end : std::nullopt;
    std::string label(model::Spec(event.kind).title);
    if (event.kind == model::EventKind::kLookedAfterEpisode) label += " (placement " + std::string(event.Get("PLACE")) + ")";
    if (event.kind == model::EventKind::kSocialWorkerAllocation) label += " " + std::string(event.Get("SW_ID"));
    // Events of one day (an enquiry's start, a strategy discussion) are drawn a day long.
    const bool spans = model::Spec(event.kind).end_field.size() > 0;
    const Date to = end ? *end : (spans ? as_at : event.start);
    json.BeginObject()
        .Field("lane", lane)
        .Field("from", event.start.ToIso())
        .Field("to", to.AddDays(to == event.start ? 1 : 0).ToIso())
        .Field("open", spans && !end)
        .Field("label", label)
        .EndObject();
    seen(event.start);
    ++bars;
  }
  json.EndArray().Key("marks").BeginArray();
  for (const timescales::Obligation& obligation : result.obligations) {
    json.BeginObject()
        .Field("lane", "Deadlines")
        .Field("date", obligation.due.ToIso())
        .Field("status", timescales::StatusName(obligation.status))
        .Field("label", rules.rules()[obligation.rule].title + ": " + std::string(StatusLabel(obligation.status)))
        .EndObject();
    seen(obligation.due);
    ++marks;
  }
  json.EndArray();
  std::string description = "A time line of " + std::to_string(bars) + " periods and events and " +
                            std::to_string(marks) + " statutory deadlines";
  if (first && last) description += ", from " + first->ToIso() + " to " + last->ToIso();
  description += ". The deadlines and the chronology tables below give the same facts.";
  json.Field("description", description).Field("asAt", as_at.ToIso()).EndObject();
  return json.Take();
}

std::string TimelineHtml(const model::Chronology& chronology, const timescales::ChildEvaluation& result,
                         const timescales::RuleSet& rules, Date as_at) {
  return ChartHtml(TimelineSpec(chronology, result, rules, as_at), "timeline") +
         "<p class=\"chart-key\" data-testid=\"timeline-key\">Deadlines: "
         "<span class=\"status status-met\">Met</span> "
         "<span class=\"status status-met-late\">Met late</span> "
         "<span class=\"status status-overdue\">Overdue</span> "
         "<span class=\"status status-due\">Due</span> "
         "<span class=\"status status-unknown\">Not recorded</span>. "
         "Bars run from start to end; an open bar runs to " + as_at.ToIso() + ".</p>\n";
}

}  // namespace cairn::web
