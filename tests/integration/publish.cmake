# Black-box: inmor-admin signs and publishes the anchor's entity configuration
# and historical keys, inmor serves them, and jwcrypto (a verifier we did not
# write) checks the signatures with the published keys.
add_test(NAME integration.publish
    COMMAND ${PROJECT_SOURCE_DIR}/tests/interop/.venv/bin/python -m unittest -v publish_test
    WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/publish)
set_tests_properties(integration.publish PROPERTIES
    LABELS integration
    TIMEOUT 300
    ENVIRONMENT
    "INMOR_BIN=$<TARGET_FILE:inmor>;INMOR_ADMIN_BIN=$<TARGET_FILE:inmor-admin>;INMOR_KEYGEN_BIN=$<TARGET_FILE:inmor-keygeneration>")
