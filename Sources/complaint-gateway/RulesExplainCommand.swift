import ArgumentParser
import ComplaintCore
import Foundation
import GatewayServer
import Routing

extension RulesCommand {
    /// `complaint-gateway rules explain (--record FILE.json | --text "…" [--channel …])`.
    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Route one complaint with the tables on disk and show every rule tried; stores nothing.")

        @OptionGroup var options: ConfigOptions

        @Option(name: .long, help: "A complaint/v1 record (or {\"text\": …}) as JSON.")
        var record: String?

        @Option(name: .long, help: "The complaint text.")
        var text: String?

        @Option(name: .long, help: "Channel: email, sms, hotline or api (default api).")
        var channel: String?

        @Option(name: .long, help: "Subject.")
        var subject: String?

        @Option(name: .long, help: "Category (投诉, 举报, 咨询, 求助, 建议).")
        var category: String?

        @Option(name: .long, help: "District.")
        var district: String?

        @Option(name: .long, help: "Address.")
        var address: String?

        @Option(name: .long, help: "Complainant phone.")
        var phone: String?

        @Option(name: .long, help: "Complainant email.")
        var email: String?

        @Option(name: .customLong("received-at"), help: "RFC 3339 time received (default now).")
        var receivedAt: String?

        @Flag(name: .long, help: "Print the explanation as JSON (as POST /v1/routing/explain answers).")
        var json = false

        func validate() throws {
            guard (record == nil) != (text == nil) else {
                throw ValidationError("give exactly one of --record FILE or --text \"…\"")
            }
        }

        func run() async throws {
            let routing = try options.loadRouting().configuration
            let body: Data
            if let record {
                guard let data = FileManager.default.contents(atPath: record) else {
                    let exists = FileManager.default.fileExists(atPath: record)
                    printError("--record \(record): \(exists ? "cannot read the file" : "no such file")")
                    throw ExitCode(66)  // EX_NOINPUT, as `import` answers a missing file
                }
                body = data
            } else {
                body = Data(requestJSON().utf8)
            }
            let complaint: Complaint
            do {
                complaint = try ExplainInput.complaint(fromJSON: body)
            } catch {
                // Named after the flag that gave the bad value (the record's fields are the flags'
                // names), and without the whole command's usage after it.
                let message = "\(error)"
                printError("\(record ?? Self.flag(naming: message)): \(message)")
                throw ExitCode(64)  // EX_USAGE
            }
            let decision = RuleRouter(configuration: routing).explain(complaint)
            if json {
                print(String(decoding: decision.explanationJSON(stored: complaint.routing), as: UTF8.self))
            } else {
                print(Self.describe(decision, stored: complaint.routing))
            }
        }

        /// The flag a record field's message is about: `received_at: …` came from `--received-at`.
        static func flag(naming message: String) -> String {
            let field = message.prefix { $0 != ":" && $0 != "." }
            let flags = ["channel", "subject", "category", "district", "address", "phone", "email", "received_at"]
            return flags.contains(String(field)) ? "--" + field.replacingOccurrences(of: "_", with: "-") : "--text"
        }

        /// The flags as the explain endpoint's JSON body.
        private func requestJSON() -> String {
            var writer = JSONWriter(capacity: 256)
            writer.beginObject()
            writer.field("text", text)
            if let channel { writer.field("channel", channel) }
            if let subject { writer.field("subject", subject) }
            if let category { writer.field("category", category) }
            if let receivedAt { writer.field("received_at", receivedAt) }
            writer.key("location")
            writer.beginObject()
            writer.field("district", district)
            writer.field("address", address)
            writer.endObject()
            writer.key("complainant")
            writer.beginObject()
            writer.field("phone", phone)
            writer.field("email", email)
            writer.endObject()
            writer.endObject()
            return String(decoding: writer.bytes, as: UTF8.self)
        }

        static func describe(_ decision: RoutingDecision, stored: Complaint.RoutingInfo? = nil) -> String {
            var lines: [String] = []
            if let stored {
                lines.append(
                    "stored:     \(stored.department)  (rule \(stored.rule), table \(stored.table)), priority "
                        + "\(stored.priority.rawValue), due \(stored.dueAt.map(RFC3339.format) ?? "none")")
                let differences = decision.differences(from: stored)
                lines.append(
                    differences.isEmpty ? "now:        the same" : "now:        " + decision.storedNote(differences))
            }
            lines += [
                "department: \(decision.department)  (rule \(decision.rule), table \(decision.table))",
                "priority:   \(decision.priority.rawValue)",
                "due:        \(decision.dueAt.map(RFC3339.format) ?? "none")",
            ]
            if !decision.tags.isEmpty { lines.append("tags:       \(decision.tags.joined(separator: ", "))") }
            lines.append("tables:     \(decision.tablesVersion)")
            lines.append("rules tried:")
            for trial in decision.trace {
                let mark = trial.matched ? "MATCH" : "no   "
                var why = trial.failed ?? trial.matchedOn?.joined(separator: "; ") ?? ""
                if let fields = trial.decides, !fields.isEmpty {
                    why += (why.isEmpty ? "" : "; ") + "decides " + fields.joined(separator: ", ")
                }
                lines.append("  \(mark) \(trial.table)/\(trial.rule)" + (why.isEmpty ? "" : "  — \(why)"))
            }
            return lines.joined(separator: "\n")
        }
    }
}
