# Black-box tests of `inmor-admin serve` on SQLite and on PostgreSQL
# (INMOR_TEST_DATABASE_URL; the PostgreSQL run reports skipped without it).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
foreach(database sqlite postgres)
    add_test(NAME integration.admin_api.${database}
        COMMAND ${Python3_EXECUTABLE} -m unittest -v admin_api_test
        WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/admin_api)
    set_tests_properties(integration.admin_api.${database} PROPERTIES
        LABELS integration
        TIMEOUT 600
        SKIP_REGULAR_EXPRESSION "skipped 'INMOR_TEST_DATABASE_URL is not set'"
        ENVIRONMENT
        "ADMIN_TEST_DATABASE=${database};INMOR_ADMIN_BIN=$<TARGET_FILE:inmor-admin>;INMOR_BIN=$<TARGET_FILE:inmor>;INMOR_KEYGEN_BIN=$<TARGET_FILE:inmor-keygeneration>;INMOR_SEED=$<TARGET_FILE:inmor_seed>")
endforeach()
