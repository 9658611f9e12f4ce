# The web UI's unit tests (vitest): API client against a loopback server, JWT
# decoding, diff and tree layout. The browser tests are in webui_browser.cmake.
add_test(NAME webui_unit
    COMMAND npm test --silent
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/webui)
set_tests_properties(webui_unit PROPERTIES LABELS "unit;webui" TIMEOUT 300)
