# inmor: the federation server.
inmor_executable(inmor
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/inmor_main.cpp
    DEPS inmor_app)
