# inmor-keygeneration: makes the trust anchor's signing key pair and retires keys.
inmor_executable(inmor-keygeneration
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/keygeneration_main.cpp
    DEPS inmor_jose CLI11::CLI11)
