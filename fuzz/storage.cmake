# libFuzzer target for the storage layer: redis:// URI parsing, which reads
# configuration and environment values (redis_uri, REDIS_LOCATION). Seeds
# live in fuzz/corpus/redis_uri; scripts/fuzz.sh runs it.
add_executable(redis_uri_fuzzer ${CMAKE_CURRENT_LIST_DIR}/redis_uri_fuzzer.cpp)
target_link_libraries(redis_uri_fuzzer PRIVATE inmor_storage inmor_warnings)
target_link_options(redis_uri_fuzzer PRIVATE -fsanitize=fuzzer)
