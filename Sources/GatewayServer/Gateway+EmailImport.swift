import ComplaintCore
import Foundation
import Storage

extension Gateway {
    /// What became of one imported message.
    public enum EmailImportOutcome: Sendable, Equatable {
        case created(id: String, department: String, followUpOf: String?)
        case duplicate(id: String)
        case ignored(reason: String)
    }

    /// Takes one raw message as if it had arrived by `POST /v1/email` (for `email import`): kept
    /// raw, committed, queued for delivery by a running gateway's dispatcher.
    public func importEmail(_ message: [UInt8], adapter: String) async throws -> EmailImportOutcome {
        switch try await emailIntake.accept(message, adapter: adapter) {
        case .created(let id, let routing, let parent):
            .created(id: id, department: routing.department, followUpOf: parent)
        case .duplicate(let id, _): .duplicate(id: id)
        case .ignored(let reason, _): .ignored(reason: reason)
        }
    }
}
