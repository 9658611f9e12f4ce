# Operations: backup and restore round trips against real SQLite, PostgreSQL
# and Redis, and the checks of the deployment files (scripts/check-deploy.sh,
# one ctest test per section). Exit code 77 marks a test skipped: a service or
# a command it needs is not there.
foreach(database sqlite postgres)
    add_test(NAME ops.backup_restore.${database}
        COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ops/backup_restore_test.sh ${database})
    set_tests_properties(ops.backup_restore.${database} PROPERTIES
        LABELS "integration;ops"
        TIMEOUT 300
        SKIP_RETURN_CODE 77
        ENVIRONMENT "INMOR_BIN_DIR=$<TARGET_FILE_DIR:inmor-admin>")
endforeach()

foreach(section compose dockerfiles systemd systemd-collection proxy-nginx proxy-caddy
        proxy-apache prometheus shell entrypoint entrypoint-postgres entrypoint-serve docs
        docs-pending)
    add_test(NAME deploy.${section}
        COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/check-deploy.sh ${section})
    set_tests_properties(deploy.${section} PROPERTIES
        LABELS "integration;deploy"
        TIMEOUT 600
        SKIP_RETURN_CODE 77
        ENVIRONMENT "INMOR_BIN_DIR=$<TARGET_FILE_DIR:inmor-admin>")
endforeach()
