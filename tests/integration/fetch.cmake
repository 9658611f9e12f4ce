# The guarded fetcher end to end: fetch_probe and a test https server run
# inside a network namespace the test creates (root only, label netns).
inmor_executable(fetch_probe
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/fetch/fetch_probe.cpp
    DEPS inmor_fetch)

find_program(INMOR_PYTHON3 python3 HINTS /usr/bin REQUIRED)
add_test(NAME fetch_netns
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/fetch/netns_test.sh
        $<TARGET_FILE:fetch_probe> ${INMOR_PYTHON3}
        ${CMAKE_CURRENT_LIST_DIR}/fetch/test_server.py)
set_tests_properties(fetch_netns PROPERTIES LABELS "netns;integration" TIMEOUT 300)
