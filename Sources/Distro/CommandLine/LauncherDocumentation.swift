import EntryPoints
import Telemetry

/// `--help` and the man page, both generated from the configuration table and the registry.
public enum LauncherDocumentation {
    public static let version = Resource.sdkVersion

    static let summary = "run a program with OpenTelemetry tracing, configured by flags and OTEL_* variables"

    static let description: [String] = [
        "An in-process PROGRAM (one of the programs listed below) runs inside the launcher with the tracer "
            + "provider installed; when it returns, the launcher flushes and shuts the provider down and exits "
            + "with the program's exit code.",
        "Any other PROGRAM is looked up in PATH and runs as a child process inside a span named "
            + "\"exec PROGRAM\". The child inherits TRACEPARENT (and TRACESTATE) naming that span, and every "
            + "OTEL_* variable set by a flag, the environment or the distro. Its exit code (or signal) is "
            + "recorded on the span, which is ERROR when it is not 0; SIGINT, SIGTERM, SIGHUP and SIGQUIT "
            + "sent to the launcher are forwarded to the child.",
        "Each flag sets the variable of the same name in upper case with OTEL_ in front (--traces_exporter sets "
            + "OTEL_TRACES_EXPORTER). A flag overrides the variable, which overrides the distro's default, which "
            + "overrides the specification's default. Durations are in milliseconds. Invalid values, and unknown "
            + "flags, distros, configurators and exporters, stop the launcher before the program runs.",
        "When the program has finished, the launcher says on standard error where the JSON Lines trace was "
            + "written, if standard error is a terminal or -v is given (and OTEL_LOG_LEVEL is not warn or error). "
            + "Standard output belongs to the program.",
    ]

    static let exitStatus: [(String, String)] = [
        ("N", "the exit code of the program"),
        ("2", "a usage error before the program runs: an unknown flag, distro, configurator or exporter, or "
            + "an invalid value"),
        ("126", "PROGRAM was found but could not be executed"),
        ("127", "PROGRAM is neither an in-process program nor found in PATH"),
        ("128+N", "the child program was killed by signal N, or the in-process program was ended by SIGTERM, "
            + "SIGINT or SIGHUP (N)"),
    ]

    /// Each kind of fault or bad input: what the user sees, and what is kept. The README has the same table.
    static let faults: [(fault: String, seen: String, kept: String)] = [
        ("SIGTERM, SIGINT or SIGHUP to an in-process program",
         "exit 128 + signal within 2 s; a second signal exits at once",
         "every finished span; open spans ended with ERROR and an event \"terminated by SIGTERM\""),
        ("SIGTERM to every rank of an MPI job",
         "the job ends within 2 s (mpiexec reports 143, or the SIGKILL it sends to ranks still finishing)",
         "each rank's file holds its finished spans and its open ones ended with ERROR"),
        ("SIGKILL", "nothing", "with a simple processor, every span that ended before the kill, as whole lines"),
        ("full disk or write error on the JSON Lines file",
         "the program finishes with its own exit code; one warning with the count of spans lost",
         "every span written before; never a torn line"),
        ("collector down or unreachable",
         "the program ends within the export timeout with its own exit code; one warning with the count",
         "the program's results"),
        ("unknown exporter, distro, configurator or flag; invalid value",
         "exit 2 and one line naming it and listing what exists", "nothing runs, nothing is written"),
        ("malformed, torn or huge line given to bsb replay-otel",
         "FILE:LINE: reason and exit 1 before anything is sent (or --skip-invalid: the rest sent, count reported)",
         "the input files"),
        ("many processes appending to one path", "nothing", "whole lines only"),
    ]

    // MARK: --help

    /// The text of `--help`, wrapped at 100 columns.
    public static func help(registry: EntryPointRegistry) -> String {
        var out = wrap("otel-instrument \(version): \(summary).", indent: 0) + "\n"
        out += "Usage: \(LauncherCommandLine.usage)\n\n"
        out += description.map { wrap($0, indent: 0) }.joined(separator: "\n")
        out += "\nOptions:\n"
        for (flags, help) in LauncherCommandLine.launcherFlags {
            out += "  \(flags)\n" + wrap(help, indent: 8)
        }
        for group in VariableGroup.allCases {
            out += "\n\(group.title):\n"
            for variable in ConfigurationTable.variables where variable.group == group {
                out += "  \(variable.flag) \(variable.type.placeholder)\n"
                out += wrap("\(variable.help) [\(details(of: variable))]", indent: 8)
            }
        }
        for section in registrySections(registry) {
            out += "\n\(section.title):\n"
            if section.entries.isEmpty { out += "  (none)\n" }
            let width = (section.entries.map(\.name.count).max() ?? 0) + 4
            for (name, summary) in section.entries {
                out += "  " + name + String(repeating: " ", count: width - name.count) + summary + "\n"
            }
        }
        out += "\nExit status:\n"
        for (code, meaning) in exitStatus {
            let line = wrap(meaning, indent: 10)
            out += "  " + code + String(repeating: " ", count: 8 - code.count) + line.dropFirst(10)
        }
        return out
    }

    /// `OTEL_X; one of a, b; default v` for a variable.
    static func details(of variable: ConfigurationVariable) -> String {
        var parts = [variable.name]
        switch variable.type {
        case .choice(let words): parts.append("one of " + words.joined(separator: ", "))
        case .choiceList(let words): parts.append("any of " + words.joined(separator: ", "))
        default: break
        }
        if let shown = variable.defaultDescription { parts.append("default: " + shown) }
        return parts.joined(separator: "; ")
    }

    struct RegistrySection {
        let title: String
        let manTitle: String
        let entries: [(name: String, summary: String)]
    }

    /// The registry's groups the launcher uses, with each entry's one-line summary.
    static func registrySections(_ registry: EntryPointRegistry) -> [RegistrySection] {
        func entries(_ group: String, _ summary: (any Sendable) -> String?) -> [(name: String, summary: String)] {
            registry.names(in: group).map { name in
                (name, registry.entry(group: group, name: name, as: (any Sendable).self).flatMap(summary) ?? "")
            }
        }
        return [
            RegistrySection(title: "Distros (--distro)", manTitle: "DISTROS",
                            entries: entries(EntryPointGroup.distro) { ($0 as? any OTelDistro)?.summary }),
            RegistrySection(title: "Configurators (--configurator)", manTitle: "CONFIGURATORS",
                            entries: entries(EntryPointGroup.configurator) { ($0 as? any OTelConfigurator)?.summary }),
            RegistrySection(title: "Exporters (--traces_exporter)", manTitle: "EXPORTERS",
                            entries: entries(EntryPointGroup.tracesExporter) { ($0 as? TracesExporterFactory)?.summary }),
            RegistrySection(title: "In-process programs", manTitle: "IN-PROCESS PROGRAMS",
                            entries: entries(EntryPointGroup.program) { ($0 as? InProcessProgram)?.summary }),
        ]
    }

    /// `text` wrapped at 100 columns, every line indented by `indent` spaces, ending with a newline.
    static func wrap(_ text: String, indent: Int, width: Int = 100) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = ""
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && indent + line.count + 1 + word.count > width {
                out += pad + line + "\n"
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { out += pad + line + "\n" }
        return out
    }

    // MARK: man page

    /// `man/otel-instrument.1`, in roff.
    public static func manPage(registry: EntryPointRegistry) -> String {
        var out = """
        .\\" Generated by `otel-instrument --generate-man` (scripts/generate-man.sh); do not edit.
        .TH OTEL-INSTRUMENT 1 "" "otel-instrument \(version)" "User Commands"
        .SH NAME
        otel-instrument \\- \(roff(summary))
        .SH SYNOPSIS
        .B otel-instrument
        [\\fB\\-\\-flag\\fR \\fIvalue\\fR | \\fB\\-\\-flag=\\fR\\fIvalue\\fR]...
        .I PROGRAM
        [\\fIARGUMENTS\\fR...]
        .SH DESCRIPTION

        """
        out += description.map(roff).joined(separator: "\n.PP\n") + "\n"
        out += ".SH OPTIONS\n"
        for (flags, help) in LauncherCommandLine.launcherFlags {
            out += ".TP\n" + flags.split(separator: ",").map { "\\fB\(roff(String($0.trimmingWhitespace)))\\fR" }
                .joined(separator: ", ") + "\n" + roff(help) + "\n"
        }
        for group in VariableGroup.allCases {
            out += ".SS \(roff(group.title))\n"
            for variable in ConfigurationTable.variables where variable.group == group {
                out += ".TP\n\\fB\(roff(variable.flag))\\fR \\fI\(roff(variable.type.placeholder))\\fR\n"
                out += roff("\(variable.help) [\(details(of: variable))]") + "\n"
            }
        }
        for section in registrySections(registry) {
            out += ".SH \(section.manTitle)\n"
            for (name, summary) in section.entries {
                out += ".TP\n\\fB\(roff(name))\\fR\n\(roff(summary.isEmpty ? "-" : summary))\n"
            }
        }
        out += """
        .SH ENVIRONMENT
        Every variable of the sections above, by its OTEL_ name. \\fBTRACEPARENT\\fR and \\fBTRACESTATE\\fR, \
        when they name a valid span, make the launcher's spans its children.
        .SH EXIT STATUS

        """
        for (code, meaning) in exitStatus {
            out += ".TP\n\\fB\(roff(code))\\fR\n\(roff(meaning))\n"
        }
        out += ".SH FAULTS\n"
        for fault in faults {
            out += ".TP\n\\fB\(roff(fault.fault))\\fR\n\(roff(fault.seen)). Kept: \(roff(fault.kept)).\n"
        }
        out += """
        .SH EXAMPLES
        .nf
        OTEL_DISTRO=bsb_jsonlines otel\\-instrument bsb compile \\-\\-clear
        otel\\-instrument \\-\\-traces_exporter jsonlines \\-\\-service_name "BSB Workflow" bsb compile \\-\\-clear
        otel\\-instrument \\-\\-traces_exporter jsonlines,console python script.py
        .fi
        .SH SEE ALSO
        .BR bsb (1)

        """
        return out
    }

    /// `text` with roff's special characters escaped, and hyphens as minus signs.
    static func roff(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            default: out.append(c)
            }
        }
        if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
        return out
    }
}
