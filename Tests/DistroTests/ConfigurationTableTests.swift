import Testing
@testable import Distro

@Suite struct ConfigurationTableTests {
    let names = ConfigurationTable.variables.map(\.name)

    @Test func namesAreUniqueAndPrefixed() {
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("OTEL_") && $0 == $0.uppercased() })
    }

    @Test func coversTheSpecificationsTraceVariables() {
        let expected = [
            "OTEL_SDK_DISABLED", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_LOG_LEVEL", "OTEL_PROPAGATORS",
            "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
            "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_SPAN_EVENT_COUNT_LIMIT", "OTEL_SPAN_LINK_COUNT_LIMIT",
            "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
            "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_JSONLINES_PATH", "OTEL_DISTRO", "OTEL_CONFIGURATOR",
        ]
        for name in expected { #expect(names.contains(name), "\(name)") }
        for suffix in ["ENDPOINT", "PROTOCOL", "HEADERS", "TIMEOUT", "COMPRESSION", "INSECURE", "CERTIFICATE",
                       "CLIENT_KEY", "CLIENT_CERTIFICATE"] {
            #expect(names.contains("OTEL_EXPORTER_OTLP_" + suffix))
            #expect(names.contains("OTEL_EXPORTER_OTLP_TRACES_" + suffix))
        }
    }

    @Test func flagsAreDerivedFromNames() {
        #expect(ConfigurationTable.variable(named: "OTEL_TRACES_EXPORTER")?.flag == "--traces_exporter")
        #expect(ConfigurationTable.variable(named: "OTEL_EXPORTER_OTLP_TRACES_HEADERS")?.flag
            == "--exporter_otlp_traces_headers")
        for variable in ConfigurationTable.variables {
            #expect(ConfigurationTable.variable(flag: variable.flagName) == variable)
        }
    }

    @Test func defaultsPassTheirOwnChecks() {
        for variable in ConfigurationTable.variables {
            if let value = variable.defaultValue {
                #expect(variable.type.problem(with: value) == nil, "\(variable.name)=\(value)")
            }
        }
    }

    @Test func onlyHeadersAreSecret() {
        #expect(ConfigurationTable.variables.filter(\.isSecret).map(\.name)
            == ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"])
    }

    @Test(arguments: [
        ("http://localhost:4317", true), ("https://collector.example.com/v1/traces", true),
        ("http://[::1]:4318", true), ("HTTP://host", true),
        ("localhost:4317", false), ("http://", false), ("http://host:0", false), ("http://host:99999", false),
        ("grpc://host", false), ("http://a b", false), ("http://host:port", false),
    ])
    func urls(text: String, valid: Bool) {
        #expect((VariableType.url.problem(with: text) == nil) == valid)
    }

    @Test func typeChecks() {
        #expect(VariableType.positiveInteger.problem(with: "-1") != nil)
        #expect(VariableType.positiveInteger.problem(with: "0") != nil)
        #expect(VariableType.positiveInteger.problem(with: "12") == nil)
        #expect(VariableType.nonNegativeInteger.problem(with: "0") == nil)
        #expect(VariableType.milliseconds.problem(with: "1.5") != nil)
        #expect(VariableType.ratio.problem(with: "abc") != nil)
        #expect(VariableType.ratio.problem(with: "1.5") != nil)
        #expect(VariableType.ratio.problem(with: "0.25") == nil)
        #expect(VariableType.ratio.problem(with: "nan") != nil)
        #expect(VariableType.boolean.problem(with: "TRUE") == nil)
        #expect(VariableType.boolean.problem(with: "yes") != nil)
        #expect(VariableType.choice(["grpc"]).problem(with: "GRPC") == nil)
        #expect(VariableType.choiceList(["tracecontext", "baggage"]).problem(with: "tracecontext,b3")
            == "'b3' is not supported (supported: tracecontext, baggage)")
        #expect(VariableType.keyValueList.problem(with: "a=1, b=2") == nil)
        #expect(VariableType.keyValueList.problem(with: "a=1,token") != nil)
        #expect(VariableType.keyValueList.problem(with: "=1") != nil)
    }
}
