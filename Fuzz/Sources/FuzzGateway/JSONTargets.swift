import ComplaintCore
import Foundation

@testable import GatewayServer

/// The JSON intake: the strict parser alone, and `POST /v1/complaints` body decoding.
enum JSONTargets {
    static func parser(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes) else { return }
        Invariants.roundTrips(value)
    }

    static let submissions = APISubmissionParser()

    static func apiComplaint(_ bytes: [UInt8]) {
        guard let draft = try? submissions.parse(Data(bytes), adapter: "api", receivedAt: Invariants.receivedAt)
        else { return }
        Invariants.encodes(draft.draft)
    }
}
