# /resolve end to end: the real `inmor` as trust anchor of federations of
# Python HTTP servers on 127.0.0.1, its store written by resolve_store_tool.
inmor_executable(resolve_store_tool
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/resolve/resolve_store_tool.cpp
    DEPS inmor_storage inmor_common)

find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME integration.resolve.resolve_test
    COMMAND ${Python3_EXECUTABLE} -m unittest -v resolve_test
    WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/resolve)
set_tests_properties(integration.resolve.resolve_test PROPERTIES
    LABELS integration
    TIMEOUT 600
    ENVIRONMENT "INMOR_BIN=$<TARGET_FILE:inmor>;RESOLVE_STORE_TOOL=$<TARGET_FILE:resolve_store_tool>")

find_program(INMOR_RESOLVE_PYTHON3 python3 HINTS /usr/bin REQUIRED)
add_test(NAME integration.resolve.netns
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/resolve/netns_test.sh ${INMOR_RESOLVE_PYTHON3}
        ${CMAKE_CURRENT_LIST_DIR}/resolve)
set_tests_properties(integration.resolve.netns PROPERTIES
    LABELS "netns;integration"
    TIMEOUT 120
    SKIP_RETURN_CODE 77
    ENVIRONMENT "INMOR_BIN=$<TARGET_FILE:inmor>;RESOLVE_STORE_TOOL=$<TARGET_FILE:resolve_store_tool>")
