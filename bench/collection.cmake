# The collection walk benchmark: a generated federation served on loopback
# for inmor-collection to walk (bench/run_collection.sh).
add_executable(collection_federation_server
    ${CMAKE_CURRENT_LIST_DIR}/collection_federation_server.cpp
    ${PROJECT_SOURCE_DIR}/tests/unit/collection/loopback_server.cpp
    ${PROJECT_SOURCE_DIR}/tests/unit/collection/test_federation.cpp)
target_include_directories(collection_federation_server PRIVATE
    ${PROJECT_SOURCE_DIR}/tests/unit/collection)
target_link_libraries(collection_federation_server PRIVATE
    inmor_resolver inmor_jose Boost::system Threads::Threads inmor_warnings inmor_sanitizers)
