// Starts tests/integration/fetch/test_server.py on 127.0.0.1 port 0 and
// stops it (by its PID) when the object goes away.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace inmor::fetch::testing {

class TestServerProcess {
public:
    /// Starts the server with extra arguments and waits for its port.
    /// Throws std::runtime_error when it does not start.
    explicit TestServerProcess(const std::vector<std::string>& arguments = {});
    ~TestServerProcess();

    TestServerProcess(const TestServerProcess&) = delete;
    TestServerProcess& operator=(const TestServerProcess&) = delete;

    int port() const { return port_; }
    /// "http://127.0.0.1:PORT" followed by `path`.
    std::string url(const std::string& path) const;

private:
    pid_t pid_ = -1;
    int port_ = 0;
};

}  // namespace inmor::fetch::testing
