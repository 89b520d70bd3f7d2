#include "returns/year_end.h"

namespace cairn::returns {

const model::Event& AsShownIn(const model::CollectionYear& year, const model::Event& event, model::Event& copy) {
  // Most events have nothing after the year end; they are shown without a copy.
  if (event.provenance.ReportedIn(year.year) || !event.HasDateAfter(year.end())) return event;
  copy = event.AsAt(year.end());
  return copy;
}

}  // namespace cairn::returns
