// Spawning and stopping the Python test server.
#include "test_server_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

extern char** environ;

namespace inmor::fetch::testing {

TestServerProcess::TestServerProcess(const std::vector<std::string>& arguments) {
    std::vector<std::string> command = {INMOR_PYTHON3, INMOR_FETCH_TEST_SERVER, "--host",
                                        "127.0.0.1", "--port", "0"};
    command.insert(command.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& argument : command) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);

    int pipe_ends[2];
    if (pipe(pipe_ends) != 0) {
        throw std::runtime_error("test server: pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
    int status = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_ends[1]);
    if (status != 0) {
        close(pipe_ends[0]);
        throw std::runtime_error("test server: cannot start " + command[0]);
    }

    // The server prints "listening port=N" once it accepts connections.
    FILE* output = fdopen(pipe_ends[0], "r");
    char line[128] = {};
    bool ready = output != nullptr && std::fgets(line, sizeof line, output) != nullptr &&
                 std::sscanf(line, "listening port=%d", &port_) == 1;
    if (output != nullptr) {
        std::fclose(output);
    }
    if (!ready) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        throw std::runtime_error("test server: did not report its port");
    }
}

TestServerProcess::~TestServerProcess() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
}

std::string TestServerProcess::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace inmor::fetch::testing
