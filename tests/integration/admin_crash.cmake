# Black-box: `kill -9` of inmor-admin under concurrent writes, then durable and
# published data must agree (admin_crash_test); hostile input to the admin API
# (admin_break_test); slow subordinates leaving the API responsive
# (admin_slow_test); entities the admin must reject (admin_subordinate_test).
# Each runs on SQLite with the embedded federation store,
# and on PostgreSQL (INMOR_TEST_DATABASE_URL, a schema of its own) with a
# redis-server of its own; the PostgreSQL run reports skipped without the URL.
# Subordinates are real HTTP servers on loopback signing with jwcrypto
# (tests/interop/.venv, from scripts/install-test-tools.sh).
foreach(suite crash break slow subordinate)
    foreach(backend sqlite postgres)
        set(name integration.admin_${suite}.${backend})
        add_test(NAME ${name}
            COMMAND ${PROJECT_SOURCE_DIR}/tests/interop/.venv/bin/python
                    -m unittest -v admin_${suite}_test
            WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/admin_crash)
        set_tests_properties(${name} PROPERTIES
            LABELS integration
            TIMEOUT 900
            SKIP_REGULAR_EXPRESSION "skipped 'INMOR_TEST_DATABASE_URL is not set'"
            ENVIRONMENT
            "ADMIN_CRASH_BACKEND=${backend};INMOR_ADMIN_BIN=$<TARGET_FILE:inmor-admin>;INMOR_BIN=$<TARGET_FILE:inmor>;INMOR_KEYGEN_BIN=$<TARGET_FILE:inmor-keygeneration>")
    endforeach()
endforeach()
