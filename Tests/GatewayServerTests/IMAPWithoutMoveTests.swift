import EmailAdapter
import Foundation
import GatewayTestSupport
import Testing

/// Servers that lack MOVE (RFC 6851) or UIDPLUS (RFC 4315), played by Dovecot announcing less
/// than it has; its raw logs show which commands the session sent.
@Suite("IMAP servers without MOVE or UIDPLUS", .serialized)
struct IMAPWithoutMoveTests {
    private static let plainIMAP = "IMAP4rev1 LITERAL+ SASL-IR ID IDLE NAMESPACE"

    private func session(_ dovecot: DovecotServer, moveTo: String? = nil, flags: String) throws -> IMAPSession {
        let (server, folder) = try #require(IMAPMailbox.split(url: dovecot.url))
        return try IMAPSession(
            IMAPMailbox(
                name: "box", serverURL: server, folder: folder, user: dovecot.user, password: dovecot.password,
                security: .none, flagsAfterCommit: flags, moveTo: moveTo))
    }

    @Test("without MOVE a committed message is copied, flagged and expunged; the message after it stays")
    func moveByCopy() async throws {
        try await DovecotServer.run(capabilities: Self.plainIMAP) { dovecot in
            try await dovecot.deliver(MailboxPollerTests.message(id: "c1@example.cn", text: "噪音。"), name: "c1")
            try await dovecot.deliver(MailboxPollerTests.message(id: "c2@example.cn", text: "漏水。"), name: "c2")
            let session = try session(dovecot, moveTo: "已处理", flags: "\\Seen")
            let uids = try session.uids(from: 1)
            #expect(uids.count == 2)
            try session.markCommitted(uid: uids[0])
            // The folder did not exist: the copy's [TRYCREATE] made it.
            #expect(try await dovecot.uids(in: ModifiedUTF7.wireName("已处理")).contains("* SEARCH 1\r\n"))
            #expect(try await dovecot.uids(in: "INBOX").contains("* SEARCH \(uids[1])\r\n"))
            let sent = try dovecot.commandsReceived()
            #expect(sent.contains("UID COPY \(uids[0]) "), "\(sent)")
            #expect(sent.contains("UID STORE \(uids[0]) +FLAGS.SILENT (\\Deleted)"), "\(sent)")
            #expect(!sent.contains("MOVE"), "\(sent)")
            // Without UIDPLUS the only expunge there is: it takes what is flagged, nothing else.
            #expect(sent.contains(" EXPUNGE\r\n") && !sent.contains("UID EXPUNGE"), "\(sent)")
        }
    }

    @Test("with UIDPLUS but without MOVE the original goes by UID EXPUNGE; a \\Deleted flag likewise")
    func copyAndUIDExpunge() async throws {
        try await DovecotServer.run(capabilities: Self.plainIMAP + " UIDPLUS") { dovecot in
            try await dovecot.deliver(MailboxPollerTests.message(id: "u1@example.cn", text: "停水。"), name: "u1")
            try await dovecot.deliver(MailboxPollerTests.message(id: "u2@example.cn", text: "停电。"), name: "u2")
            let uids = try session(dovecot, flags: "").uids(from: 1)
            try session(dovecot, moveTo: "Archive", flags: "\\Seen").markCommitted(uid: uids[0])
            try session(dovecot, flags: "\\Seen \\Deleted").markCommitted(uid: uids[1])
            #expect(try await dovecot.uids(in: "Archive").contains("* SEARCH 1\r\n"))
            #expect(try await dovecot.uids(in: "INBOX").contains("* SEARCH\r\n"))
            let sent = try dovecot.commandsReceived()
            #expect(sent.contains("UID EXPUNGE \(uids[0])") && sent.contains("UID EXPUNGE \(uids[1])"), "\(sent)")
            #expect(!sent.contains("MOVE") && !sent.contains(" EXPUNGE\r\n"), "\(sent)")
        }
    }

    @Test("a server that announces MOVE and UIDPLUS gets UID MOVE, not a copy")
    func moveWhenAnnounced() async throws {
        try await DovecotServer.run { dovecot in
            try await dovecot.deliver(MailboxPollerTests.message(id: "m1@example.cn", text: "路灯。"), name: "m1")
            let session = try session(dovecot, moveTo: "Archive", flags: "\\Seen")
            let uid = try #require(try session.uids(from: 1).first)
            try session.markCommitted(uid: uid)
            #expect(try await dovecot.uids(in: "Archive").contains("* SEARCH 1\r\n"))
            let sent = try dovecot.commandsReceived()
            #expect(sent.contains("UID MOVE \(uid) \"Archive\""), "\(sent)")
            #expect(!sent.contains("COPY"), "\(sent)")
        }
    }

    @Test("the capability list is read from the server's untagged answer, case-insensitively")
    func capabilityParsing() {
        let answer = "* CAPABILITY IMAP4rev1 literal+ Move\r\n* OK done\r\n"
        #expect(IMAPSession.capabilities(in: answer) == ["IMAP4REV1", "LITERAL+", "MOVE"])
        #expect(IMAPSession.capabilities(in: "* OK no list\r\n").isEmpty)
    }
}
