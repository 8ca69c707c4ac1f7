import Telemetry

/// Spans grouped as OTLP nests them: by resource, then by instrumentation scope, in order of first appearance.
struct SpanGrouping {
    struct ScopeGroup {
        let scope: InstrumentationScope?
        var spans: [SpanRecord]
    }

    struct ResourceGroup {
        let resource: Resource
        var scopes: [ScopeGroup]
    }

    let resources: [ResourceGroup]

    init(_ spans: [SpanRecord]) {
        var groups: [ResourceGroup] = []
        // Nearly every span of a batch shares one resource object and one scope: the last group is tried first,
        // by identity, before any comparison of attributes.
        var lastResource = -1
        for span in spans {
            let r: Int
            if lastResource >= 0, groups[lastResource].resource === span.resource {
                r = lastResource
            } else if let found = groups.firstIndex(where: { $0.resource == span.resource }) {
                r = found
            } else {
                groups.append(ResourceGroup(resource: span.resource, scopes: []))
                r = groups.count - 1
            }
            lastResource = r
            if let last = groups[r].scopes.indices.last, groups[r].scopes[last].scope == span.scope {
                groups[r].scopes[last].spans.append(span)
            } else if let s = groups[r].scopes.firstIndex(where: { $0.scope == span.scope }) {
                groups[r].scopes[s].spans.append(span)
            } else {
                groups[r].scopes.append(ScopeGroup(scope: span.scope, spans: [span]))
            }
        }
        resources = groups
    }
}
