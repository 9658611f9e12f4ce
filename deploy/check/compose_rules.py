#!/usr/bin/env python3
"""Checks the merged output of `docker-compose config` against the deployment's rules.

    compose_rules.py BASE.yml PROD.yml

BASE is the configuration of docker-compose.yml alone, PROD the merge with
docker-compose.prod.yml. Prints one line per rule; exit 1 when one fails.
"""
import sys

import yaml

SERVICES = {"ta", "admin", "db", "redis", "frontend"}
DEPENDS = {
    "ta": {"redis": "service_healthy"},
    "admin": {"db": "service_healthy", "redis": "service_healthy", "ta": "service_healthy"},
    "frontend": {"admin": None},
}
PROD_MOUNTS = {
    "ta": ["/app/taconfig.toml", "/app/private.json", "/app/publickeys", "/app/historical_keys"],
    "admin": ["/app/taconfig.toml", "/app/private.json", "/app/publickeys",
              "/app/historical_keys"],
}
ADMIN_ENVIRONMENT = ["CORS_ORIGINS", "CSRF_TRUSTED_ORIGINS", "LOGIN_REDIRECT_URL", "RUST_LOG"]

problems = []


def check(condition: bool, message: str) -> None:
    print(f"  {'ok' if condition else 'fail'}: {message}")
    if not condition:
        problems.append(message)


def published_ports(service: dict) -> list:
    ports = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            ports.append((port.get("host_ip", ""), str(port.get("published", ""))))
        else:
            parts = str(port).split("/")[0].split(":")
            ports.append((parts[0] if len(parts) == 3 else "", parts[-2] if len(parts) > 1
                          else parts[0]))
    return ports


def environment(service: dict) -> dict:
    value = service.get("environment") or {}
    if isinstance(value, list):
        return dict(item.split("=", 1) for item in value)
    return value


def depends(service: dict) -> dict:
    value = service.get("depends_on") or {}
    if isinstance(value, list):
        return {name: None for name in value}
    return {name: (entry or {}).get("condition") for name, entry in value.items()}


def check_file(label: str, config: dict) -> None:
    services = config.get("services", {})
    check(set(services) == SERVICES, f"{label}: services are {', '.join(sorted(SERVICES))}")
    for name in sorted(SERVICES & set(services)):
        check(bool(services[name].get("healthcheck", {}).get("test")),
              f"{label}: {name} has a health check")
    for name, expected in DEPENDS.items():
        found = depends(services.get(name, {}))
        for dependency, condition in expected.items():
            ok = dependency in found and (condition is None or found[dependency] == condition)
            check(ok, f"{label}: {name} depends on {dependency}"
                  + (f" ({condition})" if condition else ""))
    for name, service in sorted(services.items()):
        for host_ip, published in published_ports(service):
            check(host_ip == "127.0.0.1", f"{label}: {name} publishes {published} on "
                  f"{host_ip or 'every interface'}; only 127.0.0.1 is allowed")
    check(not published_ports(services.get("db", {})), f"{label}: db is not published")


def main() -> int:
    with open(sys.argv[1]) as base_file, open(sys.argv[2]) as prod_file:
        base = yaml.safe_load(base_file)
        prod = yaml.safe_load(prod_file)
    check_file("docker-compose.yml", base)
    check_file("with prod", prod)

    # The dashboard shows the federation server's health through this URL.
    check(environment(base["services"]["admin"]).get("FEDERATION_SERVER_URL") == "http://ta:8080",
          "docker-compose.yml: admin reaches ta at FEDERATION_SERVER_URL=http://ta:8080")

    services = prod["services"]
    for name, targets in PROD_MOUNTS.items():
        volumes = services[name].get("volumes") or []
        mounted = {str(volume).split(":")[1] if isinstance(volume, str) else volume.get("target")
                   for volume in volumes}
        for target in targets:
            check(target in mounted, f"with prod: {name} mounts {target}")
    db_volumes = [str(volume) for volume in services["db"].get("volumes") or []]
    check(any(volume.startswith("postgres_data:") for volume in db_volumes)
          and "postgres_data" in (prod.get("volumes") or {}),
          "with prod: db keeps its data in the named volume postgres_data")
    admin_environment = environment(services["admin"])
    for variable in ADMIN_ENVIRONMENT:
        check(bool(admin_environment.get(variable)), f"with prod: admin sets {variable}")
    check(environment(services["ta"]).get("RUST_LOG") == "info", "with prod: ta sets RUST_LOG")
    check(environment(services["ta"]).get("INMOR_GENERATE_KEY_IF_MISSING") == "false",
          "with prod: ta never generates its own signing key")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
