import ComplaintCore
import EmailAdapter
import Foundation
import GatewayTestSupport
import Testing

@testable import GatewayServer

@Suite("IMAP mailbox polling against a real Dovecot", .serialized)
struct MailboxPollerTests {
    static func message(id: String, text: String, extra: String = "") -> Data {
        Data(
            """
            From: Citizen <citizen@example.cn>\r
            To: complaints@hotline.example.gov.cn\r
            Subject: =?utf-8?B?\(Data("投诉".utf8).base64EncodedString())?=\r
            Message-ID: <\(id)>\r
            \(extra)Content-Type: text/plain; charset=utf-8\r
            \r
            \(text)\r

            """.utf8)
    }

    @Test(
        "new messages become complaints once; committed ones are flagged; a restart resumes; a lost cursor re-reads without duplicates"
    )
    func pollsCommitsFlagsAndResumes() async throws {
        try await DovecotServer.run { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(Self.message(id: "m1@example.cn", text: "小区停水三天了。"), name: "m1")
            try await dovecot.deliver(
                Self.message(id: "ooo@example.cn", text: "I am away.", extra: "Auto-Submitted: auto-replied\r\n"),
                name: "m2")
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": dovecot.password,
                "IMAP_POLL_SECONDS": "1",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment)
            let database = gateway.databasePath
            try await eventually("two messages read") {
                try await sqlite(database, "select count(*) from raw_payloads") == "2"
            }
            #expect(try await sqlite(database, "select count(*) from complaints") == "1")
            #expect(
                try await sqlite(database, "select adapter, external_id from complaints")
                    == "complaints-inbox|m1@example.cn")
            #expect(
                try await sqlite(database, "select disposition from raw_payloads order by id") == "accepted\nignored")
            try await eventually("cursor saved") {
                try await sqlite(database, "select last_uid from mailbox_cursors") == "2"
            }
            #expect(try await dovecot.flags(uid: 1).contains("$CGImported"))
            try await eventually("delivered") { downstream.requests.count == 1 }
            try await gateway.stop()

            // Stopped: a new message arrives; the restarted gateway takes only it.
            try await dovecot.deliver(Self.message(id: "m3@example.cn", text: "路灯坏了。"), name: "m3")
            let restarted = try await RunningGateway.start(
                downstream: downstream.baseURL, dataDirectory: gateway.dataDirectory, environment: environment)
            try await eventually("third message read") {
                try await sqlite(database, "select count(*) from complaints") == "2"
            }
            #expect(try await sqlite(database, "select count(*) from raw_payloads") == "3")
            try await restarted.stop()

            // A crash between commit and cursor save: the cursor is lost, every message is read again
            // and recognised as a duplicate; nothing is created twice.
            try await sqlite(database, "delete from mailbox_cursors")
            let again = try await RunningGateway.start(
                downstream: downstream.baseURL, dataDirectory: gateway.dataDirectory, environment: environment)
            try await eventually("mailbox re-read") {
                try await sqlite(database, "select last_uid from mailbox_cursors") == "3"
            }
            #expect(try await sqlite(database, "select count(*) from complaints") == "2")
            #expect(
                try await sqlite(database, "select count(*) from raw_payloads where disposition = 'duplicate'") == "2")
            try await again.stop()
            await downstream.stop()
        }
    }

    @Test("STARTTLS: the poller logs in over TLS when told to insist on it")
    func startTLS() async throws {
        try await DovecotServer.run(tls: true) { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(Self.message(id: "tls@example.cn", text: "加密连接上的投诉。"), name: "t1")
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": dovecot.password,
                "IMAP_POLL_SECONDS": "1",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment) {
                // The certificate is self-signed for this test; STARTTLS is insisted on.
                $0.email.mailboxes[0].mailbox.security = .required
                $0.email.mailboxes[0].mailbox.verifyPeer = false
            }
            try await eventually("message read over TLS") {
                try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1"
            }
            #expect(try await sqlite(gateway.databasePath, "select external_id from complaints") == "tls@example.cn")
            // Dovecot logs how each login was protected: the poller's say TLS (the readiness probe's
            // plaintext login from loopback says "secured").
            let logins = try dovecot.log().split(separator: "\n").filter {
                $0.contains("Login: user=<\(dovecot.user)>")
            }
            #expect(logins.contains { $0.contains(", TLS,") })
            try await gateway.stop()
            await downstream.stop()
        }
    }

    @Test("a message over email.max_message_bytes is left in the mailbox unflagged; the ones after it are taken")
    func oversizedMessageSkipped() async throws {
        try await DovecotServer.run { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(
                Self.message(id: "big@example.cn", text: String(repeating: "很长的投诉。", count: 400)), name: "b1")
            try await dovecot.deliver(Self.message(id: "small@example.cn", text: "短投诉。"), name: "b2")
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": dovecot.password,
                "IMAP_POLL_SECONDS": "1",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment) {
                $0.email.maxMessageBytes = 2048
            }
            try await eventually("second message read") {
                try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1"
            }
            #expect(try await sqlite(gateway.databasePath, "select external_id from complaints") == "small@example.cn")
            #expect(!(try await dovecot.flags(uid: 1).contains("$CGImported")))
            // Unread, as it came: the fetch that found it too large had marked it read.
            #expect(!(try await dovecot.flags(uid: 1).contains("\\Seen")))
            #expect(try await dovecot.flags(uid: 2).contains("$CGImported"))
            #expect(try await dovecot.flags(uid: 2).contains("\\Seen"))
            try await gateway.stop()
            await downstream.stop()
        }
    }

    @Test("bytes saved into the mailbox that are no message are quarantined, not a complaint; the mail after is taken")
    func notAMessageQuarantined() async throws {
        try await DovecotServer.run { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(Data("工单编号,诉求内容\r\nGD1,停水\r\n".utf8), name: "c1")
            try await dovecot.deliver(Self.message(id: "after@example.cn", text: "路灯不亮。"), name: "c2")
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": dovecot.password,
                "IMAP_POLL_SECONDS": "1",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment)
            try await eventually("the message after read") {
                try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1"
            }
            #expect(try await sqlite(gateway.databasePath, "select external_id from complaints") == "after@example.cn")
            let quarantined = try await gateway.request(.get, "/v1/quarantine").json["items"] as? [[String: Any]]
            #expect(quarantined?.count == 1)
            #expect((quarantined?.first?["error"] as? String)?.hasPrefix("not an e-mail message") == true)
            #expect(try await dovecot.flags(uid: 1).contains("$CGImported"))
            try await gateway.stop()
            await downstream.stop()
        }
    }

    @Test("a folder named in Chinese is polled and moved to by its modified UTF-7 name; the client identifies itself")
    func chineseFolders() async throws {
        try await DovecotServer.run { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(
                Self.message(id: "folder@example.cn", text: "噪音扰民。"), name: "f1", folder: "&YpWLyQ-")
            try await dovecot.deliver(Data(), name: "placeholder", folder: "&XfJZBHQG-")
            let environment = [
                "IMAP_URL": "imap://127.0.0.1:\(dovecot.port)/投诉", "IMAP_USER": dovecot.user,
                "IMAP_PASSWORD": dovecot.password, "IMAP_POLL_SECONDS": "1",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment) {
                $0.email.mailboxes[0].mailbox.moveTo = "已处理"
            }
            try await eventually("the message in 投诉 read") {
                try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1"
            }
            #expect(try await sqlite(gateway.databasePath, "select external_id from complaints") == "folder@example.cn")
            try await eventually("moved to 已处理") {
                let left = try await dovecot.uids(in: "&YpWLyQ-")
                let moved = try await dovecot.uids(in: "&XfJZBHQG-")
                return left.contains("* SEARCH\r\n") && moved.contains("* SEARCH 1 2")
            }
            // NetEase's servers refuse SELECT to a client that has not sent ID (RFC 2971).
            #expect(try dovecot.log().contains("name=complaint-gateway"))
            try await gateway.stop()
            await downstream.stop()
        }
    }

    @Test(
        "a move_to folder that does not exist is created and the message moved; a refused flag names the server's answer"
    )
    func moveToMissingFolder() async throws {
        try await DovecotServer.run { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(Self.message(id: "move@example.cn", text: "路灯不亮。"), name: "m1")
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": dovecot.password,
                "IMAP_POLL_SECONDS": "1",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment) {
                $0.email.mailboxes[0].mailbox.moveTo = "归档"
            }
            try await eventually("moved to 归档, created for it") {
                // The folder does not exist until the move creates it: reading it fails till then.
                (try? await dovecot.uids(in: ModifiedUTF7.wireName("归档")))?.contains("* SEARCH 1") == true
            }
            #expect(try await dovecot.uids(in: "INBOX").contains("* SEARCH\r\n"))
            try await gateway.stop()

            // `\Deleted` among the flags: the committed message is expunged, not left flagged.
            try await dovecot.deliver(Self.message(id: "delete@example.cn", text: "井盖丢了。"), name: "m3")
            let deleting = try await RunningGateway.start(
                downstream: downstream.baseURL, dataDirectory: gateway.dataDirectory, environment: environment
            ) {
                $0.email.mailboxes[0].mailbox.flagsAfterCommit = "\\Seen \\Deleted"
            }
            try await eventually("taken and expunged") {
                let taken = try await sqlite(deleting.databasePath, "select count(*) from complaints") == "2"
                let inbox = try await dovecot.uids(in: "INBOX")
                return taken && inbox.contains("* SEARCH\r\n")
            }
            try await deleting.stop()

            // A flag the server refuses: the error carries the server's own answer.
            let (server, folder) = try #require(IMAPMailbox.split(url: dovecot.url))
            try await dovecot.deliver(Self.message(id: "flag@example.cn", text: "x"), name: "m2")
            var mailbox = IMAPMailbox(
                name: "box", serverURL: server, folder: folder, user: dovecot.user, password: dovecot.password,
                security: .none)
            mailbox.flagsAfterCommit = "(broken"
            let session = try IMAPSession(mailbox)
            let uid = try #require(try session.uids(from: 1).first)
            let error = try #require(throws: IMAPError.self) { try session.markCommitted(uid: uid) }
            #expect(
                error.description.hasPrefix("box: cannot flag message \(uid) with (broken: the server answered \"BAD "),
                "\(error)")
            await downstream.stop()
        }
    }

    @Test("a message the server cannot deliver is retried, then left in the mailbox; the ones after it are taken")
    func undeliverableMessageSkipped() async throws {
        try await DovecotServer.run { dovecot in
            let downstream = try await DownstreamServer.start()
            let broken = try await dovecot.deliver(Self.message(id: "broken@example.cn", text: "坏的。"), name: "u1")
            try await dovecot.deliver(Self.message(id: "after@example.cn", text: "后面的投诉。"), name: "u2")
            // Unreadable to Dovecot (which runs as nobody): its FETCH fails and it drops the connection.
            try FileManager.default.setAttributes(
                [.posixPermissions: 0, .ownerAccountID: 0], ofItemAtPath: broken.path)
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": dovecot.password,
                "IMAP_POLL_SECONDS": "1",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment)
            try await eventually(timeout: .seconds(30), "the message after the broken one read") {
                try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1"
            }
            #expect(try await sqlite(gateway.databasePath, "select external_id from complaints") == "after@example.cn")
            let failedFetches = try dovecot.log().components(separatedBy: "FETCH failed").count - 1
            #expect(failedFetches == 5)
            #expect(!(try await dovecot.flags(uid: 1).contains("$CGImported")))
            try await gateway.stop()
            await downstream.stop()
        }
    }

    @Test("fetching a UID that is gone says so, so the poller passes over it")
    func expungedUID() async throws {
        try await DovecotServer.run { dovecot in
            try await dovecot.deliver(Self.message(id: "one@example.cn", text: "一。"), name: "e1")
            let (server, folder) = try #require(IMAPMailbox.split(url: dovecot.url))
            let session = try IMAPSession(
                IMAPMailbox(
                    name: "test", serverURL: server, folder: folder, user: dovecot.user, password: dovecot.password,
                    security: .none))
            #expect(try session.uids(from: 1) == [1])
            #expect(try session.fetch(uid: 1).count > 0)
            let error = try #require(throws: IMAPError.self) { try session.fetch(uid: 7) }
            #expect(error.notFound)
        }
    }

    @Test("a refused login is one login attempt, said as such")
    func refusedLoginIsTriedOnce() async throws {
        try await DovecotServer.run { dovecot in
            let (server, folder) = try #require(IMAPMailbox.split(url: dovecot.url))
            let session = try IMAPSession(
                IMAPMailbox(
                    name: "test", serverURL: server, folder: folder, user: dovecot.user, password: "wrong-password",
                    security: .none))
            let error = try #require(throws: IMAPError.self) { try session.identify() }
            #expect(error.loginDenied)
            // The ID probe no longer swallows the refusal, so STATUS does not log in a second time.
            try await Task.sleep(for: .milliseconds(300))
            let failures = try dovecot.log().split(separator: "\n").filter { $0.contains("auth failed") }
            #expect(failures.count == 1, "\(failures)")
        }
    }

    @Test(
        "polls that keep failing wait longer each time, up to 15 minutes or the poll interval",
        arguments: [
            (30, 0, 30), (30, 1, 30), (30, 2, 60), (30, 3, 120), (30, 6, 900), (30, 60, 900), (1, 5, 16),
            (3600, 4, 3600),
        ])
    func backOff(every: Int, failedInARow: Int, seconds: Int) {
        #expect(MailboxPoller.secondsBeforeNextPoll(every: every, failedInARow: failedInARow) == seconds)
    }

    @Test("start: new leaves what is in the folder at the first poll to people and takes what arrives after it")
    func startWithNewOnly() async throws {
        try await DovecotServer.run { dovecot in
            let downstream = try await DownstreamServer.start()
            try await dovecot.deliver(Self.message(id: "old@example.cn", text: "旧的投诉。"), name: "o1")
            let environment = [
                "IMAP_URL": dovecot.url, "IMAP_USER": dovecot.user, "IMAP_PASSWORD": dovecot.password,
                "IMAP_POLL_SECONDS": "1", "IMAP_START": "new",
            ]
            let gateway = try await RunningGateway.start(downstream: downstream.baseURL, environment: environment)
            try await eventually("the first poll's cursor saved") {
                try await sqlite(gateway.databasePath, "select count(*) from mailbox_cursors") == "1"
            }
            try await dovecot.deliver(Self.message(id: "new@example.cn", text: "新的投诉。"), name: "n1")
            try await eventually("the new message taken") {
                try await sqlite(gateway.databasePath, "select count(*) from complaints") == "1"
            }
            #expect(try await sqlite(gateway.databasePath, "select external_id from complaints") == "new@example.cn")
            try await gateway.stop()
            await downstream.stop()
        }
    }

    @Test("a password that may go in clear text to another machine is warned of; start takes all or new")
    func mailboxSettingsChecked() throws {
        func issues(_ url: String, start: String = "all") -> [String] {
            let environment = [
                "GATEWAY_TOKEN": RunningGateway.token, "IMAP_URL": url, "IMAP_USER": "u", "IMAP_PASSWORD": "p",
                "IMAP_START": start,
            ]
            do {
                return try GatewayConfiguration.load(
                    directory: RunningGateway.configDirectory, environment: environment
                )
                .warnings.map(\.description)
            } catch let error as ConfigError {
                return error.issues.map(\.description)
            } catch {
                return ["\(error)"]
            }
        }
        #expect(issues("imap://mail.example.cn/INBOX").contains { $0.contains("password goes in clear text") })
        #expect(!issues("imaps://mail.example.cn/INBOX").contains { $0.contains("clear text") })
        #expect(!issues("imap://127.0.0.1:1143/INBOX").contains { $0.contains("clear text") })
        #expect(issues("imaps://mail.example.cn/INBOX", start: "later").contains { $0.contains("expected all or new") })
    }
}
