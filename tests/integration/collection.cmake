# The collection walk's unit tests (tests/unit/collection) are registered
# here until tests/CMakeLists.txt lists the concern among the unit folders.
if(NOT TARGET collection_test)
    add_subdirectory(${PROJECT_SOURCE_DIR}/tests/unit/collection
        ${CMAKE_BINARY_DIR}/tests/unit/collection)
endif()
