# Browser tests of the admin web UI (webui/tests/browser/run.mjs): a fresh anchor
# made from the built inmor, inmor-admin and inmor-keygeneration serves
# webui/dist, and Debian's Chromium drives the UI through playwright-core.
# webui/dist must exist (scripts/install-test-tools.sh builds it). A missing
# Chromium, dist folder or binary fails both tests.
find_program(INMOR_NODE_PROGRAM node REQUIRED)
foreach(part main resolve)
    add_test(NAME integration.webui_browser.${part}
        COMMAND ${INMOR_NODE_PROGRAM} tests/browser/run.mjs --part=${part}
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/webui)
    set_tests_properties(integration.webui_browser.${part} PROPERTIES
        LABELS "integration;webui;browser"
        TIMEOUT 900
        RUN_SERIAL TRUE
        ENVIRONMENT "INMOR_BIN_DIR=$<TARGET_FILE_DIR:inmor-admin>")
endforeach()
