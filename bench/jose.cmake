# Google Benchmark of JWS signing and verification; bench/run_jose.sh runs it
# beside `openssl speed` and writes bench/results/jose.md.
add_executable(jose_bench ${CMAKE_CURRENT_LIST_DIR}/jose_bench.cpp)
target_link_libraries(jose_bench PRIVATE inmor_jose benchmark::benchmark inmor_warnings)
