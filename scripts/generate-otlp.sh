#!/usr/bin/env bash
# Generates the OTLP protobuf and gRPC Swift code in Sources/OTLP/Generated from the .proto files in proto/.
# Run by hand when a .proto changes, then commit the output; a normal build never runs it.
# Needs protoc (apt-get install -y protobuf-compiler) and builds the two plugins from the resolved packages.
# usage: scripts/generate-otlp.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch=${OTLP_GENERATOR_SCRATCH:-$root/.build-otlp}
if ! command -v protoc >/dev/null; then
  echo "==> installing protoc"
  apt-get install -y protobuf-compiler >/dev/null
fi
echo "==> building protoc-gen-swift and protoc-gen-grpc-swift-2 (release)"
swift build --scratch-path "$scratch" -c release -j 2 --product protoc-gen-swift
swift build --scratch-path "$scratch" -c release -j 2 --product protoc-gen-grpc-swift-2
bin=$(swift build --scratch-path "$scratch" -c release --show-bin-path)
out=Sources/OTLP/Generated
protos=(
  opentelemetry/proto/common/v1/common.proto
  opentelemetry/proto/resource/v1/resource.proto
  opentelemetry/proto/trace/v1/trace.proto
  opentelemetry/proto/collector/trace/v1/trace_service.proto
)
rm -f "$out"/*.pb.swift "$out"/*.grpc.swift
echo "==> protoc $(protoc --version)"
# FileNaming=PathToUnderscores keeps the four files apart in one flat directory (trace.proto twice otherwise).
protoc --plugin=protoc-gen-swift="$bin/protoc-gen-swift" --swift_out="$out" \
  --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores -I proto "${protos[@]}"
protoc --plugin=protoc-gen-grpc-swift="$bin/protoc-gen-grpc-swift-2" --grpc-swift_out="$out" \
  --grpc-swift_opt=Visibility=Public,Server=false,Client=true,FileNaming=PathToUnderscores \
  -I proto opentelemetry/proto/collector/trace/v1/trace_service.proto
ls -1 "$out"
