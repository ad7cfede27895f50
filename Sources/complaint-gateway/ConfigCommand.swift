import ArgumentParser
import Foundation
import GatewayServer
import Routing

/// `complaint-gateway config check`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract:
                "Validate gateway.yaml, departments.yaml and the rule tables; print every problem with file and line.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let configuration = try options.load()
            print(
                "configuration OK: \(configuration.departments.count) departments, "
                    + "\(configuration.routing.tables.count) rule tables "
                    + "(\(configuration.routing.tables.map(\.rules.count).reduce(0, +)) rules), "
                    + "\(configuration.auth.tokens.count) token\(configuration.auth.tokens.count == 1 ? "" : "s"), "
                    + "listen \(configuration.server.host):\(configuration.server.port), "
                    + "tables version \(configuration.routing.version)")
            let profiles = configuration.hotlineProfiles.keys.sorted()
            print(
                "\(profiles.count) hotline profile\(profiles.count == 1 ? "" : "s")"
                    + (profiles.isEmpty ? "" : ": " + profiles.joined(separator: ", ")))
            for polled in configuration.email.mailboxes { print("mailbox " + polled.summary) }
        }
    }
}
