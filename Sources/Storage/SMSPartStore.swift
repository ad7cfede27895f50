import Foundation

/// Durable holding of concatenated-SMS parts, so a set survives a restart until it is complete.
///
/// A separate protocol from ``ComplaintStore`` so stores without it still conform; the gateway
/// uses it when the store offers it.
public protocol SMSPartStore: Sendable {
    /// Stores the part's raw payload and the part in one transaction.
    func holdPart(_ part: HeldPart, raw: RawPayload) async throws -> HoldOutcome

    /// Sets still held that are complete, or whose oldest part was held before `cutoff`.
    func releasableSets(heldBefore cutoff: Date) async throws -> [[HeldPart]]

    /// Marks the parts released (after their complaint was committed).
    func releaseParts(adapter: String, messageIDs: [String]) async throws

    /// Parts of the set `setKey` released since `since`, in the order they were released.
    func releasedParts(adapter: String, setKey: String, since: Date) async throws -> [HeldPart]
}
