import ArgumentParser

/// `complaint-gateway`: the command-line entry point.
@main
struct ComplaintGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complaint-gateway",
        abstract: "Multi-channel complaint intake: receive, store, route and deliver complaints.",
        subcommands: [
            ServeCommand.self, ImportCommand.self, ConfigCommand.self, RulesCommand.self, EmailCommand.self,
            DLQCommand.self, QuarantineCommand.self, BackupCommand.self,
        ]
    )
}
