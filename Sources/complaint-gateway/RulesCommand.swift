import ArgumentParser
import Foundation
import GatewayServer
import Routing

/// `complaint-gateway rules check | explain`.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Routing rule tools.", subcommands: [Check.self, Explain.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract:
                "Validate the rule tables against departments.yaml and calendar.yaml; "
                + "print every problem as file:line:column.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let (routing, warnings) = try options.loadRouting()
            for table in routing.tables {
                print("\(table.file): \(table.rules.count) rules")
            }
            print("default: \(routing.defaultOutcome.department)")
            print(
                "rules OK\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : ""), "
                    + "version \(routing.version)")
        }
    }
}
