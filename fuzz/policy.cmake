# policy_fuzzer: metadata policy resolution and application over arbitrary JSON.
add_executable(policy_fuzzer ${CMAKE_CURRENT_LIST_DIR}/policy_fuzzer.cpp)
target_link_libraries(policy_fuzzer PRIVATE inmor_policy inmor_warnings)
target_link_options(policy_fuzzer PRIVATE -fsanitize=fuzzer)
