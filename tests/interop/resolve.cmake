# Resolve interop: @openid-federation/core (npm, from
# scripts/install-test-tools.sh) resolves chains through the real inmor and
# must find the metadata inmor's /resolve returns. Fails when the package is
# missing.
find_program(INMOR_INTEROP_PYTHON3 python3 HINTS /usr/bin REQUIRED)
add_test(NAME resolve_interop_openid_federation_core
    COMMAND ${INMOR_INTEROP_PYTHON3} -m unittest -v resolve_interop
    WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(resolve_interop_openid_federation_core PROPERTIES
    LABELS interop
    TIMEOUT 300
    ENVIRONMENT "INMOR_BIN=$<TARGET_FILE:inmor>;RESOLVE_STORE_TOOL=$<TARGET_FILE:resolve_store_tool>")
