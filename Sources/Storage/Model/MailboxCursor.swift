/// Where polling of an IMAP mailbox stands: UIDs up to `lastUID` are committed, valid while the
/// mailbox keeps `uidValidity` (when the server changes it, every UID is new again and
/// deduplication by Message-ID keeps re-read messages from becoming complaints twice).
public struct MailboxCursor: Sendable, Hashable {
    public var uidValidity: UInt64
    public var lastUID: UInt64

    public init(uidValidity: UInt64, lastUID: UInt64) {
        self.uidValidity = uidValidity
        self.lastUID = lastUID
    }
}
