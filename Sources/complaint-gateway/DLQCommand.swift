import ArgumentParser
import ComplaintCore
import Foundation
import GatewayServer
import Logging
import Storage

/// `complaint-gateway dlq list | replay ID | replay --all [--department D]`.
///
/// Works on the store directly, so it runs with or without a gateway serving the same data
/// directory (SQLite WAL lets both in); a running gateway picks replayed items up at its next poll.
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Dead letters: deliveries that gave up.", subcommands: [List.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List dead letters, most recent first, with the last response.")

        @OptionGroup var options: StoreOptions

        @Option(name: .long, help: "Only this department's.")
        var department: String?

        @Option(name: .long, help: "At most this many (1-1000).")
        var limit: Int = 100

        @Flag(name: .long, help: "One JSON object per line instead of the table.")
        var json = false

        @Option(name: .long, help: "Continue after this place (printed after a full page).")
        var cursor: String?

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1-1000, found \(limit)") }
            if let cursor, DeadLetterCursor(cursor) == nil {
                throw ValidationError("--cursor must be one printed after an earlier page; found \"\(cursor)\"")
            }
        }

        func run() async throws {
            let store = try options.open()
            let after = cursor.flatMap(DeadLetterCursor.init)
            let items = try await store.deadLetters(DeadLetterQuery(department: department, limit: limit, after: after))
            try await store.close()
            if items.isEmpty, after == nil, let department { try options.requireKnown(department: department) }
            if items.isEmpty, !json {
                print("no dead letters")
                return
            }
            for item in items {
                let last = item.lastAttempt
                if json {
                    var writer = JSONWriter()
                    writer.beginObject()
                    writer.field("complaint_id", item.complaintID)
                    writer.field("department", item.department)
                    writer.field("attempts", item.attempts)
                    writer.field("replays", item.replays)
                    writer.field("dead_at", RFC3339.format(item.deadAt))
                    writer.field("error", item.error)
                    writer.field("status", last?.statusCode.map(Double.init))
                    writer.field("response_snippet", last?.responseSnippet)
                    writer.endObject()
                    print(String(decoding: writer.bytes, as: UTF8.self))
                } else {
                    let status = last?.statusCode.map { "HTTP \($0)" } ?? "no response"
                    print(
                        "\(item.complaintID)  \(item.department)  \(RFC3339.format(item.deadAt))  "
                            + "attempts=\(item.attempts)  replays=\(item.replays)  \(status)  \(item.error ?? "")")
                }
            }
            // A full page: there may be more (on standard error, so --json output stays one item a line).
            if items.count == limit, let last = items.last {
                printError("more may follow: dlq list --cursor \(last.cursor)")
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Put dead letters back in the outbox with a fresh retry budget.",
            discussion: "complaint-gateway dlq replay ID | complaint-gateway dlq replay --all [--department D]")

        @OptionGroup var options: StoreOptions

        @Argument(help: "The complaint id of the dead letter.")
        var id: String?

        @Flag(name: .long, help: "Every dead letter (of --department, when given).")
        var all = false

        @Option(name: .long, help: "With --all: only this department's.")
        var department: String?

        func validate() throws {
            if all == (id != nil) { throw ValidationError("give either a dead letter's ID or --all") }
            if department != nil, !all { throw ValidationError("--department goes with --all") }
        }

        func run() async throws {
            let store = try options.open()
            let ids: [String]
            if let id {
                ids = try await store.replayDeadLetter(complaintID: id, now: Date()) ? [id] : []
            } else {
                ids = try await store.replayDeadLetters(department: department, now: Date())
            }
            if let id, ids.isEmpty {
                let explanation = try await NotADeadLetter.explain(id, store: store)
                try await store.close()
                printError(explanation.message)
                throw ExitCode(1)
            }
            try await store.close()
            if let department, ids.isEmpty { try options.requireKnown(department: department) }
            for replayed in ids { print("replayed \(replayed)") }
            print("\(ids.count) dead letter\(ids.count == 1 ? "" : "s") replayed")
        }
    }
}
