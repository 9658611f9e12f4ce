# url_guard_fuzzer: the fetcher's URL and host parsing against libcurl's URL
# parser and the C library's address parsers. Pure functions, no network.
add_executable(url_guard_fuzzer ${CMAKE_CURRENT_LIST_DIR}/url_guard_fuzzer.cpp)
target_link_libraries(url_guard_fuzzer PRIVATE inmor_fetch inmor_warnings)
target_link_options(url_guard_fuzzer PRIVATE -fsanitize=fuzzer)
