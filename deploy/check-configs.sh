#!/usr/bin/env bash
# Validates the deployment files: both Prometheus configs with promtool, the compose file with docker-compose.
# Runs from any directory; prints one line per check and exits non-zero on the first failure.
#
#   deploy/check-configs.sh
set -euo pipefail

deploy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail() {
  echo "check-configs: FAIL: $*" >&2
  exit 1
}

for tool in promtool docker-compose; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (apt-get install prometheus docker-compose)"
done

for config in "$deploy_dir/prometheus/prometheus.yml" "$deploy_dir/prometheus/prometheus-local.yml"; do
  if ! out="$(promtool check config "$config" 2>&1)"; then
    echo "$out" >&2
    fail "promtool check config $config"
  fi
  echo "check-configs: ok: $config"
done

compose_file="$deploy_dir/compose/docker-compose.yml"
# An empty env file: a developer's own compose/.env must not decide the outcome of this check
# (docker-compose 1.29 refuses --env-file /dev/null, so it has to be a real file).
empty_env="$(mktemp)"
trap 'rm -f "$empty_env"' EXIT
compose=(docker-compose --env-file "$empty_env" -f "$compose_file")

if ! out="$(POSTGRES_PASSWORD=placeholder BULWARK_ADMIN_KEYS=placeholder BULWARK_SIGNING_KEY_FILE=/dev/null BULWARK_BACKUP_KEY=placeholder GRAFANA_ADMIN_PASSWORD=placeholder "${compose[@]}" config -q 2>&1)"; then
  echo "$out" >&2
  fail "docker-compose config $compose_file"
fi
echo "check-configs: ok: $compose_file"

# The secrets are required (${VAR:?...}); the file must refuse to render without them.
if env -u POSTGRES_PASSWORD -u BULWARK_ADMIN_KEYS -u BULWARK_SIGNING_KEY_FILE -u BULWARK_BACKUP_KEY -u GRAFANA_ADMIN_PASSWORD "${compose[@]}" config -q >/dev/null 2>&1; then
  fail "docker-compose config $compose_file accepted a run without POSTGRES_PASSWORD/BULWARK_ADMIN_KEYS/BULWARK_SIGNING_KEY_FILE/BULWARK_BACKUP_KEY/GRAFANA_ADMIN_PASSWORD"
fi
echo "check-configs: ok: $compose_file refuses to run without its secrets"
