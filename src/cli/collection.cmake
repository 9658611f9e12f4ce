# inmor-collection: walks a federation tree into the collection data.
inmor_executable(inmor-collection
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/collection_main.cpp
    DEPS inmor_collection CLI11::CLI11)
