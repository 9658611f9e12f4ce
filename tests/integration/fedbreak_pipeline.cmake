# Pipelined and concurrent clients against the real inmor, with each response
# checked against its own request, and SIGTERM under a client that reads its
# pipelined responses slowly. Runs in a network namespace with only loopback
# (fedbreak/in_netns.sh, root only, else skipped), as the other fedbreak suites.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME integration.fedbreak.pipeline_break_test
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/fedbreak/in_netns.sh
        ${Python3_EXECUTABLE} -m unittest -v pipeline_break_test
    WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/fedbreak)
set_tests_properties(integration.fedbreak.pipeline_break_test PROPERTIES
    LABELS "integration;netns"
    TIMEOUT 600
    SKIP_RETURN_CODE 77
    ENVIRONMENT "INMOR_BIN=$<TARGET_FILE:inmor>;INMOR_SEED=$<TARGET_FILE:inmor_seed>")
