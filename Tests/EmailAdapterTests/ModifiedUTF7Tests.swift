import EmailAdapter
import Testing

@Suite("IMAP mailbox names in modified UTF-7")
struct ModifiedUTF7Tests {
    // Expected forms from Python's utf-7 codec (`'投诉'.encode('utf-7')` is `+YpWLyQ-`), with
    // RFC 3501's `&` for `+` and `,` for `/`.
    @Test(
        "names as staff type them are encoded",
        arguments: [
            ("投诉", "&YpWLyQ-"), ("已处理", "&XfJZBHQG-"), ("INBOX/投诉", "INBOX/&YpWLyQ-"),
            ("Complaints & Praise", "Complaints &- Praise"), ("📮", "&2D3c7g-"), ("INBOX", "INBOX"),
            ("Q&A-x", "Q&-A-x"),
        ])
    func encodes(name: String, wire: String) {
        #expect(ModifiedUTF7.wireName(name) == wire)
    }

    @Test("a name already in its wire form (as a client's settings or a server log show it) is kept")
    func keepsEncoded() {
        #expect(ModifiedUTF7.wireName("&YpWLyQ-") == "&YpWLyQ-")
        #expect(ModifiedUTF7.wireName("INBOX.&XfJZBHQG-") == "INBOX.&XfJZBHQG-")
        #expect(ModifiedUTF7.wireName("A &- B") == "A &- B")
        #expect(!ModifiedUTF7.isEncoded("R&D"))
        #expect(!ModifiedUTF7.isEncoded("&Yp-"))
    }
}
