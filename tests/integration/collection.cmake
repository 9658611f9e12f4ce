# Black-box: the built inmor-collection walks a loopback federation and the
# built inmor serves the result, against the embedded store and Redis.
add_executable(collection_cli_test ${CMAKE_CURRENT_LIST_DIR}/collection/collection_cli_test.cpp)
target_link_libraries(collection_cli_test PRIVATE collection_test_support
    GTest::gtest GTest::gmock GTest::gtest_main inmor_warnings inmor_sanitizers)
add_dependencies(collection_cli_test inmor inmor-collection)
# The paths of the binaries under test are compiled in; the environment
# variables INMOR_BIN and INMOR_COLLECTION_BIN replace them.
target_compile_definitions(collection_cli_test PRIVATE
    INMOR_BIN_PATH="$<TARGET_FILE:inmor>"
    INMOR_COLLECTION_BIN_PATH="$<TARGET_FILE:inmor-collection>")
# Every Redis case uses database 15, so the cases run one at a time.
gtest_discover_tests(collection_cli_test
    PROPERTIES LABELS integration SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]"
        RESOURCE_LOCK inmor_redis_db15
    DISCOVERY_TIMEOUT 60)
