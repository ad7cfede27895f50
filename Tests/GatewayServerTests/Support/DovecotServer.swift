import Foundation
import GatewayTestSupport
import Synchronization

/// A real Dovecot IMAP server on 127.0.0.1 with one throwaway Maildir user, for the mailbox poller.
///
/// Runs as the test's user with privilege separation relaxed (no chroot) and the mail owned by
/// `nobody`, which Dovecot accepts when started by root. Runs in the foreground as a child of
/// the test, started through `posix_spawn` (``SpawnedChild``) like every helper the tests run.
final class DovecotServer: Sendable {
    let directory: URL
    let port: Int
    let user = "complaints"
    let password = "imap-test-password"

    private let process: Mutex<SpawnedChild?> = Mutex(nil)

    private init(directory: URL, port: Int) {
        self.directory = directory
        self.port = port
    }

    var url: String { "imap://127.0.0.1:\(port)/INBOX" }
    private var maildir: URL { directory.appendingPathComponent("home/\(user)/Maildir") }

    /// - Parameters:
    ///   - tls: offer STARTTLS with a fresh self-signed certificate.
    ///   - capabilities: what the server announces once logged in, in place of Dovecot's own list
    ///     (to play a server without MOVE or UIDPLUS).
    ///   - introspectionURL: also take OAuth 2.0 access tokens (SASL XOAUTH2 and OAUTHBEARER),
    ///     each checked by a POST to this RFC 7662 introspection endpoint, as Microsoft's and
    ///     Google's servers check theirs.
    ///
    /// The port is probed free and released before Dovecot binds it, so another socket can take
    /// it first; Dovecot then exits, and the start is tried again on another port.
    static func start(
        tls: Bool = false, capabilities: String? = nil, introspectionURL: String? = nil
    ) async throws -> DovecotServer {
        try await startRetryingOnTakenPort(
            portTaken: { $0 is Exited },
            start: {
                try await startOnce(tls: tls, capabilities: capabilities, introspectionURL: introspectionURL)
            })
    }

    /// Dovecot ended before it listened.
    struct Exited: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "dovecot exited with \(code) before it listened" }
    }

    private static func startOnce(
        tls: Bool, capabilities: String?, introspectionURL: String?
    ) async throws -> DovecotServer {
        let directory = URL(fileURLWithPath: "/tmp/cg-dovecot-\(UUID().uuidString.prefix(8))")
        let reserved = try ClosedPort()
        let port = reserved.port
        reserved.close()
        let server = DovecotServer(directory: directory, port: port)
        let fm = FileManager.default
        for sub in [
            "run", "state", "home/\(server.user)/Maildir/new", "home/\(server.user)/Maildir/cur",
            "home/\(server.user)/Maildir/tmp",
        ] {
            try fm.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        // Every client command and server answer, written by the imap process (running as nobody).
        try fm.createDirectory(at: directory.appendingPathComponent("rawlog"), withIntermediateDirectories: true)
        try fm.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.appendingPathComponent("rawlog").path)
        let d = directory.path
        var ssl = "ssl = no\ndisable_plaintext_auth = no"
        if tls {
            try await run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", "\(d)/key.pem", "-out", "\(d)/cert.pem",
                ])
            ssl = "ssl = required\nssl_cert = <\(d)/cert.pem\nssl_key = <\(d)/key.pem\ndisable_plaintext_auth = yes"
        }
        let config = """
            protocols = imap
            listen = 127.0.0.1
            base_dir = \(d)/run
            state_dir = \(d)/state
            log_path = \(d)/dovecot.log
            \(ssl)
            auth_mechanisms = plain login\(introspectionURL == nil ? "" : " xoauth2 oauthbearer")
            imap_id_log = *
            \(capabilities.map { "imap_capability = \($0)" } ?? "")
            protocol imap {
              rawlog_dir = \(d)/rawlog
            }
            first_valid_uid = 1
            passdb {
              driver = passwd-file
              mechanisms = plain login
              args = scheme=PLAIN username_format=%u \(d)/users
            }
            \(introspectionURL == nil ? "" : "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = \(d)/oauth2.conf.ext\n}")
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home=\(d)/home/%u
            }
            mail_location = maildir:~/Maildir
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = \(port)
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }

            """
        try config.write(to: directory.appendingPathComponent("dovecot.conf"), atomically: true, encoding: .utf8)
        if let introspectionURL {
            // The token goes in the POST's body; the endpoint answers {"active": …, "username": …}.
            try """
            introspection_mode = post
            introspection_url = \(introspectionURL)
            username_attribute = username
            active_attribute = active
            active_value = true

            """.write(to: directory.appendingPathComponent("oauth2.conf.ext"), atomically: true, encoding: .utf8)
        }
        try "\(server.user):{PLAIN}\(server.password)\n".write(
            to: directory.appendingPathComponent("users"), atomically: true, encoding: .utf8)
        try await server.chownMail()
        // In the foreground (-F): a daemon would keep our pipes open and outlive the test.
        let child = try SpawnedChild(
            "/usr/sbin/dovecot", ["-F", "-c", "\(d)/dovecot.conf"], environment: ProcessInfo.processInfo.environment)
        server.process.withLock { $0 = child }
        do {
            // Generous: on a loaded machine Dovecot's start alone can take many seconds.
            try await eventually(timeout: .seconds(60), "dovecot listening on \(port)") {
                if let code = child.exitCode() { throw Exited(code: code) }
                return await server.accepts()
            }
        } catch let exited as Exited {
            try? FileManager.default.removeItem(at: directory)
            throw exited
        }
        return server
    }

    /// Delivers a message the way an MTA writes a Maildir: a file in `new/` of the inbox or of
    /// `folder` (its name on the wire, e.g. `&YpWLyQ-`; Maildir++ keeps it in `.&YpWLyQ-/`).
    @discardableResult
    func deliver(_ message: Data, name: String, folder: String? = nil) async throws -> URL {
        var directory = maildir
        if let folder {
            directory = maildir.appendingPathComponent(".\(folder)")
            for sub in ["new", "cur", "tmp"] {
                try FileManager.default.createDirectory(
                    at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        }
        let file = directory.appendingPathComponent("new/\(Int(Date().timeIntervalSince1970)).\(name).test")
        try message.write(to: file)
        try await chownMail()
        return file
    }

    /// The UIDs in `folder` (its wire name), read with the curl command-line tool.
    func uids(in folder: String) async throws -> String {
        try await Self.run(
            "/usr/bin/curl",
            [
                "-s", "--noproxy", "*", "-u", "\(user):\(password)", "imap://127.0.0.1:\(port)/\(folder)", "-X",
                "UID SEARCH ALL",
            ])
    }

    /// The flags of the message with `uid`, read with the curl command-line tool (independent of the poller).
    func flags(uid: Int) async throws -> String {
        try await Self.run(
            "/usr/bin/curl",
            [
                "-s", "--noproxy", "*", "-u", "\(user):\(password)", "imap://127.0.0.1:\(port)/INBOX", "-X",
                "UID FETCH \(uid) FLAGS",
            ])
    }

    /// Dovecot's log (logins say how they were protected: `TLS` or `secured`).
    func log() throws -> String {
        try String(contentsOf: directory.appendingPathComponent("dovecot.log"), encoding: .utf8)
    }

    /// The commands clients sent in their sessions so far (Dovecot's raw logs of what came in).
    func commandsReceived() throws -> String {
        let rawlog = directory.appendingPathComponent("rawlog")
        return try FileManager.default.contentsOfDirectory(atPath: rawlog.path).filter { $0.hasSuffix(".in") }.sorted()
            .map { try String(contentsOf: rawlog.appendingPathComponent($0), encoding: .utf8) }.joined()
    }

    /// Starts a server, runs `body` with it and stops it, whether `body` succeeded or not.
    static func run<T: Sendable>(
        tls: Bool = false, capabilities: String? = nil, introspectionURL: String? = nil,
        _ body: (DovecotServer) async throws -> T
    ) async throws -> T {
        let server = try await start(tls: tls, capabilities: capabilities, introspectionURL: introspectionURL)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// SIGTERM, a bounded wait on a thread of its own, then SIGKILL if need be; removes the files.
    func stop() async {
        let child = process.withLock { $0 }
        let directory = directory
        await onOwnThread {
            if let child, child.exitCode() == nil {
                child.send(SIGTERM)
                // Not a plain wait: Dovecot's master may linger for its children (or miss a SIGTERM
                // that comes early in its start); a bounded wait, then KILL.
                let deadline = Date().addingTimeInterval(5)
                while child.exitCode() == nil && Date() < deadline { usleep(50_000) }
                if child.exitCode() == nil {
                    child.send(SIGKILL)
                    child.wait()
                }
            }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    private func chownMail() async throws {
        try await Self.run("/bin/chown", ["-R", "nobody:nogroup", directory.appendingPathComponent("home").path])
    }

    private func accepts() async -> Bool {
        (try? await Self.run(
            "/usr/bin/curl",
            [
                "-s", "--noproxy", "*", "--max-time", "2", "-u", "\(user):\(password)",
                "imap://127.0.0.1:\(port)/", "-X", "NOOP",
            ])) != nil
    }

    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let (status, data) = try await spawnCapturingOutput(executable, arguments, errorOutput: nil)
        guard status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(executable) exited \(status)"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
