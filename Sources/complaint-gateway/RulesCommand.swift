import ArgumentParser
import Foundation
import GatewayServer
import Routing

/// `complaint-gateway rules check`.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Routing rule tools.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Validate the rule tables against departments.yaml.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let configuration = try options.load()
            for table in configuration.routing.tables {
                print("routing/\(table.name).yaml: \(table.rules.count) rules")
            }
            print("default: \(configuration.routing.defaultOutcome.department)")
            print("rules OK, version \(configuration.routing.version)")
        }
    }
}
