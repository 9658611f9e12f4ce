# The main job end to end: a demo federation of our own anchor and
# intermediate plus 60 leaves on 127.0.0.1, registered through the admin API,
# walked and resolved, every artifact checked with jwcrypto, npm's jose and
# @openid-federation/core. Once on the embedded store, once on Redis + PostgreSQL.
foreach(setup embedded redis-postgres)
    add_test(NAME integration.main_job.${setup}
        COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/main_job/main_job_test.sh
            $<TARGET_FILE_DIR:inmor> ${setup})
    set_tests_properties(integration.main_job.${setup} PROPERTIES
        LABELS "integration;main_job"
        TIMEOUT 420
        # Both use fixed loopback ports (18180-18184, 18280-18284).
        RESOURCE_LOCK main_job)
endforeach()
