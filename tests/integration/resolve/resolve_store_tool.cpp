// resolve_store_tool: writes federation data into the store a configuration
// names (embedded SQLite or Redis), announcing each change as the admin
// does, so resolve tests can publish the anchor's statements.
//
//   resolve_store_tool CONFIG set KEY VALUE
//   resolve_store_tool CONFIG hset KEY FIELD VALUE
//   resolve_store_tool CONFIG hdel KEY FIELD
//   resolve_store_tool CONFIG sadd KEY MEMBER
//   resolve_store_tool CONFIG zadd KEY MEMBER
//   resolve_store_tool CONFIG get KEY
#include "common/config.h"
#include "storage/configured_store.h"
#include "storage/key_value_store.h"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() < 3) {
        std::cerr << "usage: resolve_store_tool CONFIG set|hset|hdel|sadd|zadd|get KEY ...\n";
        return 2;
    }
    auto config = inmor::load_config(args[0]);
    if (!config) {
        std::cerr << "config: " << config.error().message() << "\n";
        return 1;
    }
    auto store = inmor::storage::open_configured_store(*config);
    if (!store) {
        std::cerr << "store: " << store.error().message() << "\n";
        return 1;
    }

    const std::string& command = args[1];
    if (command == "get") {
        auto value = (*store)->get(args[2]);
        if (!value) {
            std::cerr << value.error().message() << "\n";
            return 1;
        }
        if (*value) std::cout << **value;
        return 0;
    }

    inmor::storage::WriteBatch batch;
    if (command == "set" && args.size() == 4) {
        batch.set(args[2], args[3]);
    } else if (command == "hset" && args.size() == 5) {
        batch.hash_set(args[2], args[3], args[4]);
    } else if (command == "hdel" && args.size() == 4) {
        batch.hash_erase(args[2], args[3]);
    } else if (command == "sadd" && args.size() == 4) {
        batch.set_add(args[2], args[3]);
    } else if (command == "zadd" && args.size() == 4) {
        batch.sorted_add(args[2], 0, args[3]);
    } else {
        std::cerr << "resolve_store_tool: bad arguments for " << command << "\n";
        return 2;
    }
    if (auto applied = (*store)->apply(batch); !applied) {
        std::cerr << "apply: " << applied.error().message() << "\n";
        return 1;
    }
    return 0;
}
