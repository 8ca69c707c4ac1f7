"""A rotel trace processor that appends every span it receives to a JSON Lines file, for the end-to-end tests.

rotel calls process_spans(resource_spans) with each ResourceSpans it accepts (gRPC, HTTP/protobuf or
HTTP/JSON). One line per span: ids as lowercase hex, attributes as a {key: value} object (arrays as lists,
bytes as hex), the resource's attributes and the scope beside the span. The file is OTEL_TEST_COLLECTOR_SINK,
else collector-sink.jsonl in the working directory.

With OTEL_TEST_COLLECTOR_SINK_MODE=count (the benchmark), one line per batch instead:
{"service": SERVICE_NAME, "spans": N}, so the collector keeps up with the sender.
"""
import json
import os

SINK = os.environ.get("OTEL_TEST_COLLECTOR_SINK", "collector-sink.jsonl")
COUNT_ONLY = os.environ.get("OTEL_TEST_COLLECTOR_SINK_MODE") == "count"


def _value(any_value):
    v = any_value.value if hasattr(any_value, "value") else any_value
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, bytes):
        return v.hex()
    try:
        return [_value(item) for item in v]
    except TypeError:
        return repr(v)


def _attributes(attributes):
    return {kv.key: _value(kv.value) for kv in attributes}


def process_spans(resource_spans):
    resource = _attributes(resource_spans.resource.attributes) if resource_spans.resource else {}
    if COUNT_ONLY:
        n = sum(len(list(scope_spans.spans)) for scope_spans in resource_spans.scope_spans)
        with open(SINK, "a") as f:
            f.write(json.dumps({"service": resource.get("service.name"), "spans": n}) + "\n")
        return
    lines = []
    for scope_spans in resource_spans.scope_spans:
        scope = scope_spans.scope
        for span in scope_spans.spans:
            lines.append(json.dumps({
                "trace_id": span.trace_id.hex(),
                "span_id": span.span_id.hex(),
                "parent_span_id": span.parent_span_id.hex() if span.parent_span_id else "",
                "trace_state": span.trace_state,
                "flags": span.flags,
                "name": span.name,
                "kind": int(span.kind),
                "start_time_unix_nano": span.start_time_unix_nano,
                "end_time_unix_nano": span.end_time_unix_nano,
                "attributes": _attributes(span.attributes),
                "dropped_attributes_count": span.dropped_attributes_count,
                "events": [
                    {"name": e.name, "time_unix_nano": e.time_unix_nano, "attributes": _attributes(e.attributes)}
                    for e in span.events
                ],
                "dropped_events_count": span.dropped_events_count,
                "links": [
                    {"trace_id": l.trace_id.hex(), "span_id": l.span_id.hex(), "flags": l.flags,
                     "attributes": _attributes(l.attributes)}
                    for l in span.links
                ],
                "status": {"code": int(span.status.code), "message": span.status.message} if span.status else None,
                "resource": resource,
                "scope": {"name": scope.name, "version": scope.version} if scope else None,
            }, sort_keys=True))
    if lines:
        # One write per batch, so concurrent batches never interleave within a line.
        with open(SINK, "a") as f:
            f.write("\n".join(lines) + "\n")
