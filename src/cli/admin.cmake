# inmor-admin: the admin service (serve) and its management commands.
inmor_executable(inmor-admin
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/admin_main.cpp
    DEPS inmor_admin CLI11::CLI11)
