// The shared system clock instance.
#include "common/clock.h"

namespace inmor {

const Clock& system_clock() {
    static const SystemClock clock;
    return clock;
}

}  // namespace inmor
