// How a collection year's return shows an event: the rule both writers share.
#pragma once

#include "model/chronology.h"

namespace cairn::returns {

// `event` as the return for `year` shows it. When that year's return reported it (its
// provenance lists the year), exactly as stored: a council's submitted data goes back as it
// came. Otherwise as it stood at the end of 31 March (model::Event::AsAt): a council making its
// return in May knows nothing of April, so an end, a closure or an authorisation after the year
// end is left blank with what was recorded on it, and so is any other date after it.
// The result refers to `event` itself, or to `copy` when the year's view differs from it; it
// stays valid while both do.
const model::Event& AsShownIn(const model::CollectionYear& year, const model::Event& event, model::Event& copy);

}  // namespace cairn::returns
