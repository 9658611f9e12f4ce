# libFuzzer targets for the JOSE layer: compact JWS decoding and verification
# (token_fuzzer) and JWK / JWK Set parsing (jwk_fuzzer). Seeds live in
# fuzz/corpus/token and fuzz/corpus/jwk; scripts/fuzz.sh runs both.
foreach(target token jwk)
    add_executable(${target}_fuzzer ${CMAKE_CURRENT_LIST_DIR}/${target}_fuzzer.cpp)
    target_link_libraries(${target}_fuzzer PRIVATE inmor_jose inmor_warnings)
    target_link_options(${target}_fuzzer PRIVATE -fsanitize=fuzzer)
endforeach()
