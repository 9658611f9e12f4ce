# Interop of the JOSE layer and inmor-keygeneration with Python's jwcrypto and
# npm's jose, both ways, for every signing algorithm. The tools come from
# scripts/install-test-tools.sh; without them these tests fail.
add_executable(jose_interop_tool ${CMAKE_CURRENT_LIST_DIR}/jose_interop_tool.cpp)
target_link_libraries(jose_interop_tool PRIVATE inmor_jose inmor_warnings inmor_sanitizers)

set(jose_interop_runner ${CMAKE_CURRENT_LIST_DIR}/run_interop.sh)
set(jose_interop_targets
    --tool $<TARGET_FILE:jose_interop_tool>
    --keygen $<TARGET_FILE:inmor-keygeneration>)

# RS256 ... PS512, ES256 ... ES512, and EdDSA on Ed25519 and Ed448.
set(jose_interop_algorithms
    RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 Ed25519 Ed448)
set(jose_interop_keygen_types RS256 PS256 ES256 ES384 ES512 Ed25519 Ed448)

function(jose_interop_test name runtime script)
    add_test(NAME ${name}
        COMMAND bash ${jose_interop_runner} ${runtime} ${CMAKE_CURRENT_LIST_DIR}/${script}
            ${jose_interop_targets} ${ARGN})
    set_tests_properties(${name} PROPERTIES LABELS interop TIMEOUT 180)
endfunction()

foreach(algorithm ${jose_interop_algorithms})
    jose_interop_test(jose_interop_jwcrypto_${algorithm}
        python jwcrypto_interop.py algorithm ${algorithm})
    # npm jose 6 dropped Ed448.
    if(NOT algorithm STREQUAL "Ed448")
        jose_interop_test(jose_interop_npm_jose_${algorithm}
            node npm_jose_interop.mjs algorithm ${algorithm})
    endif()
endforeach()

foreach(type ${jose_interop_keygen_types})
    jose_interop_test(jose_interop_jwcrypto_keygen_${type}
        python jwcrypto_interop.py keygen ${type})
    if(NOT type STREQUAL "Ed448")
        jose_interop_test(jose_interop_npm_jose_keygen_${type}
            node npm_jose_interop.mjs keygen ${type})
    endif()
endforeach()
