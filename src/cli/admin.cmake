# inmor-admin: the admin service's management commands (serve comes later).
inmor_executable(inmor-admin
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/admin_main.cpp
    DEPS inmor_admin CLI11::CLI11)
