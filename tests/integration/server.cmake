# Black-box tests of the federation server: the real `inmor` binary on a
# loopback port, against the embedded store and against Redis, with data
# written through the store layer by inmor_seed.
inmor_executable(inmor_seed
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/server/inmor_seed.cpp
    DEPS inmor_storage inmor_jose inmor_common)

find_package(Python3 COMPONENTS Interpreter REQUIRED)
foreach(suite server_test redis_layout_test)
    add_test(NAME integration.server.${suite}
        COMMAND ${Python3_EXECUTABLE} -m unittest -v ${suite}
        WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/server)
    set_tests_properties(integration.server.${suite} PROPERTIES
        LABELS integration
        TIMEOUT 300
        ENVIRONMENT "INMOR_BIN=$<TARGET_FILE:inmor>;INMOR_SEED=$<TARGET_FILE:inmor_seed>")
endforeach()
