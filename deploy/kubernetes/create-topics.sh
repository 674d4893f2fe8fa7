#!/usr/bin/env bash
# The job's topics with kafka-topics.sh, for a Kafka cluster not managed by Strimzi; the same
# settings as kafka-topics.yaml (docs/deploy.md says why each one matters).
#
#   BOOTSTRAP=broker:9092 deploy/kubernetes/create-topics.sh [--command-config client.properties]
set -euo pipefail
: "${BOOTSTRAP:?set BOOTSTRAP to the brokers, host:port[,host:port]}"
KAFKA_TOPICS=${KAFKA_TOPICS:-kafka-topics.sh}

create() {
  local name=$1 partitions=$2
  shift 2
  local configs=(--config min.insync.replicas=2 --config unclean.leader.election.enable=false)
  for c in "$@"; do
    configs+=(--config "$c")
  done
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" "${EXTRA_ARGS[@]}" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor 3 "${configs[@]}"
}

EXTRA_ARGS=("$@")

create events 12 cleanup.policy=delete retention.ms=604800000 max.message.bytes=1048576
create events-rejected 3 cleanup.policy=delete retention.ms=2592000000 max.message.bytes=1048576
create profile-updates 12 cleanup.policy=compact min.compaction.lag.ms=86400000 delete.retention.ms=86400000 max.message.bytes=1048576
create segment-definitions 1 cleanup.policy=compact
create profile-transfers 12 cleanup.policy=delete retention.ms=2592000000 max.message.bytes=16777216
create identity-conflicts 3 cleanup.policy=delete retention.ms=2592000000
create models 1 cleanup.policy=compact max.message.bytes=8388608
create model-definitions 1 cleanup.policy=compact
create training-examples 6 cleanup.policy=delete retention.ms=2592000000
