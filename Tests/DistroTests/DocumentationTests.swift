import Testing
@testable import Distro

@Suite struct DocumentationTests {
    @Test func helpListsEveryFlagInItsGroup() {
        let help = LauncherDocumentation.help(registry: DistroEntryPoints.registry)
        for variable in ConfigurationTable.variables {
            #expect(help.contains("  \(variable.flag) \(variable.type.placeholder)\n"), "\(variable.flag)")
            #expect(help.contains(variable.name))
        }
        for group in VariableGroup.allCases { #expect(help.contains("\n\(group.title):\n")) }
        #expect(help.contains("bsb_jsonlines"))
        #expect(help.split(separator: "\n").allSatisfy { $0.count <= 100 })
    }

    @Test func manPageCoversEveryFlag() {
        let page = LauncherDocumentation.manPage(registry: DistroEntryPoints.registry)
        #expect(page.hasPrefix(".\\\" Generated"))
        for variable in ConfigurationTable.variables {
            #expect(page.contains("\\fB\(LauncherDocumentation.roff(variable.flag))\\fR"), "\(variable.flag)")
        }
    }
}
