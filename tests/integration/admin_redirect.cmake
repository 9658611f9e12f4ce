# Black-box: subordinate create, update, renew and fetch-config on the real
# `inmor-admin serve` reject an entity whose server redirects to a private,
# loopback, link-local or metadata address, with the address guard on
# (allow_http off, https with a test CA). Runs in a network namespace of its
# own with only loopback (netns_test.sh; root only, else skipped), on SQLite
# and on PostgreSQL (INMOR_TEST_DATABASE_URL, reached through pg_bridge.py;
# the PostgreSQL run reports skipped without the URL). Entities are played by
# an https server on loopback signing with jwcrypto (tests/interop/.venv, from
# scripts/install-test-tools.sh).
foreach(backend sqlite postgres)
    set(name integration.admin_redirect.${backend})
    add_test(NAME ${name}
        COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/admin_redirect/netns_test.sh
            ${PROJECT_SOURCE_DIR}/tests/interop/.venv/bin/python
            ${CMAKE_CURRENT_LIST_DIR}/admin_redirect)
    set_tests_properties(${name} PROPERTIES
        LABELS "integration;netns"
        TIMEOUT 600
        SKIP_RETURN_CODE 77
        SKIP_REGULAR_EXPRESSION "skipped 'INMOR_TEST_DATABASE_URL is not set'"
        ENVIRONMENT
        "ADMIN_CRASH_BACKEND=${backend};INMOR_ADMIN_BIN=$<TARGET_FILE:inmor-admin>;INMOR_BIN=$<TARGET_FILE:inmor>;INMOR_KEYGEN_BIN=$<TARGET_FILE:inmor-keygeneration>")
endforeach()
