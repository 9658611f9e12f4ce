# Federation store benchmarks: reads, publishing and collection swaps on both
# engines (Redis only when INMOR_BENCH_REDIS_URL is set).
inmor_executable(storage_bench
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/storage_bench.cpp
    DEPS inmor_storage benchmark::benchmark)
