# Shared compile settings and the helpers that declare each concern library,
# executable and test binary the same way.

add_library(inmor_warnings INTERFACE)
target_compile_options(inmor_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wformat=2)
if(INMOR_WERROR)
    target_compile_options(inmor_warnings INTERFACE -Werror)
endif()

# The vptr check is left out: it opens a pipe to test whether a vtable is
# readable, so a process with no free descriptor gets a false "invalid vptr"
# report. Tests that exhaust the server's descriptors hit it.
add_library(inmor_sanitizers INTERFACE)
if(INMOR_SANITIZE)
    target_compile_options(inmor_sanitizers INTERFACE
        -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined
        -fno-omit-frame-pointer)
    target_link_options(inmor_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# inmor_library(NAME SOURCES a.cpp b.cpp DEPS x y)
# Declares the static library inmor_NAME with includes rooted at src/.
function(inmor_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_library(inmor_${name} STATIC ${ARG_SOURCES})
    target_include_directories(inmor_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(inmor_${name}
        PUBLIC ${ARG_DEPS} inmor_sanitizers
        PRIVATE inmor_warnings)
endfunction()

# inmor_executable(NAME SOURCES main.cpp DEPS inmor_x)
function(inmor_executable name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS} inmor_warnings inmor_sanitizers)
endfunction()

# inmor_test(NAME SOURCES a_test.cpp DEPS inmor_x [LABELS unit] [RESOURCE_LOCK r])
# One GoogleTest binary per concern, registered with ctest test by test.
# RESOURCE_LOCK keeps its cases from running at once (a shared Redis database).
function(inmor_test name)
    cmake_parse_arguments(ARG "" "RESOURCE_LOCK" "SOURCES;DEPS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS}
        GTest::gtest GTest::gmock GTest::gtest_main inmor_warnings inmor_sanitizers)
    if(NOT ARG_LABELS)
        set(ARG_LABELS unit)
    endif()
    # A test that calls GTEST_SKIP exits 0; the regular expression makes ctest
    # report it as skipped instead of passed.
    set(lock)
    if(ARG_RESOURCE_LOCK)
        set(lock RESOURCE_LOCK ${ARG_RESOURCE_LOCK})
    endif()
    gtest_discover_tests(${name}
        PROPERTIES LABELS "${ARG_LABELS}" SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]" ${lock}
        DISCOVERY_TIMEOUT 60)
endfunction()
