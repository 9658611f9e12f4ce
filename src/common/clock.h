// The clock every time check reads, injected so that tests can fix the time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace inmor {

/// Seconds since the Unix epoch, the unit of JWT NumericDate claims.
using UnixSeconds = std::int64_t;

class Clock {
public:
    virtual ~Clock() = default;
    virtual UnixSeconds now() const = 0;
};

class SystemClock final : public Clock {
public:
    UnixSeconds now() const override {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

/// A clock that stays at one time until a test sets or advances it.
class FixedClock final : public Clock {
public:
    explicit FixedClock(UnixSeconds now) : now_(now) {}
    UnixSeconds now() const override { return now_.load(); }
    void set(UnixSeconds now) { now_.store(now); }
    void advance(UnixSeconds seconds) { now_.fetch_add(seconds); }

private:
    std::atomic<UnixSeconds> now_;
};

/// The process-wide system clock, for code that is not under test.
const Clock& system_clock();

}  // namespace inmor
